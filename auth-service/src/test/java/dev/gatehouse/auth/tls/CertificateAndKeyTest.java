package dev.gatehouse.auth.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.support.Contracts;
import dev.gatehouse.auth.support.TlsFiles;
import dev.gatehouse.auth.tls.CertificateAndKey.InvalidTlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/** What a mounted TLS Secret may hold, and what the service refuses to serve. */
class CertificateAndKeyTest {

    @TempDir
    static Path work;
    private static TlsFiles tls;
    private static Path sec1;
    private static Path pkcs8;

    @BeforeAll
    static void issue() {
        tls = new TlsFiles(work);
        sec1 = tls.issue("sec1", false);
        pkcs8 = tls.issue("pkcs8", true);
    }

    static Stream<String> samples() throws IOException {
        try (Stream<Path> dirs = Files.list(Contracts.path("tls"))) {
            return dirs.map(dir -> dir.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** contracts/tls: the operator's SecretContentTest judges every sample alike. */
    @ParameterizedTest(name = "tls/{0}")
    @MethodSource("samples")
    void contractSamplesAreServedOrRefused(String sample) {
        Path dir = Contracts.path("tls", sample);
        if (sample.startsWith("valid-")) {
            assertThatCode(() -> CertificateAndKey.read(dir)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> CertificateAndKey.read(dir)).isInstanceOf(InvalidTlsFiles.class);
        }
    }

    @Test
    void readsAKeyInTheFormsCertManagerWrites() throws Exception {
        assertThat(CertificateAndKey.read(sec1).leaf()).isEqualTo(TlsFiles.certificate(sec1));
        assertThat(CertificateAndKey.read(pkcs8).leaf()).isEqualTo(TlsFiles.certificate(pkcs8));
    }

    @Test
    void refusesAKeyOfAnotherCertificate(@TempDir Path mixed) throws Exception {
        Files.copy(sec1.resolve("tls.crt"), mixed.resolve("tls.crt"));
        Files.copy(pkcs8.resolve("tls.key"), mixed.resolve("tls.key"));
        assertThatThrownBy(() -> CertificateAndKey.read(mixed)).isInstanceOf(InvalidTlsFiles.class)
                .hasMessageContaining("does not belong to the first certificate of tls.crt");
    }

    @Test
    void namesAMissingFile(@TempDir Path empty) throws Exception {
        assertThatThrownBy(() -> CertificateAndKey.read(empty)).isInstanceOf(InvalidTlsFiles.class)
                .hasMessageContaining("tls.crt does not exist");
        Files.copy(sec1.resolve("tls.crt"), empty.resolve("tls.crt"));
        assertThatThrownBy(() -> CertificateAndKey.read(empty)).isInstanceOf(InvalidTlsFiles.class)
                .hasMessageContaining("tls.key does not exist");
    }

    @Test
    void refusesWhatIsNotPemWithoutQuotingIt(@TempDir Path broken) throws Exception {
        Files.copy(sec1.resolve("tls.crt"), broken.resolve("tls.crt"));
        String key = Files.readString(sec1.resolve("tls.key"));
        String damaged = key.substring(0, key.length() / 2) + "!!" + key.substring(key.length() / 2 + 2);
        Files.writeString(broken.resolve("tls.key"), damaged);
        assertThatThrownBy(() -> CertificateAndKey.read(broken)).isInstanceOf(InvalidTlsFiles.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key.lines().skip(1).findFirst().orElseThrow()));

        Files.writeString(broken.resolve("tls.crt"), "not a certificate\n");
        Files.copy(sec1.resolve("tls.key"), broken.resolve("tls.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> CertificateAndKey.read(broken)).isInstanceOf(InvalidTlsFiles.class)
                .hasMessageContaining("tls.crt");
    }
}
