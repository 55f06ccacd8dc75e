package dev.gatehouse.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CA bundle check both programs run, on contracts/redis-ca. */
class CaBundleTest {

  private static final Path SAMPLES =
      Path.of(System.getProperty("gatehouse.contracts.dir", "../contracts"), "redis-ca");

  static Stream<String> samples() throws IOException {
    try (Stream<Path> files = Files.list(SAMPLES)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "redis-ca/{0}")
  @MethodSource("samples")
  void everyValidSampleIsTrustedAndEveryInvalidOneRefusedWithoutQuotingIt(String sample) throws Exception {
    byte[] pem = Files.readAllBytes(SAMPLES.resolve(sample));
    if (sample.startsWith("valid-")) {
      CaBundle bundle = CaBundle.read(pem);
      int blocks = new String(pem).split("-----BEGIN CERTIFICATE-----", -1).length - 1;
      assertThat(bundle.certificates()).hasSize(blocks);
      assertThat(bundle.trustManagerFactory().getTrustManagers()).isNotEmpty();
    } else {
      assertThatThrownBy(() -> CaBundle.read(pem)).isInstanceOfSatisfying(InvalidCaBundle.class, e -> {
        assertThat(e.getMessage()).startsWith("holds ");
        assertThat(e.getMessage()).doesNotContain("MII", "BEGIN");
      });
    }
  }

  @Test
  void aPrivateKeyBesideTheCertificatesIsNamed() throws Exception {
    byte[] pem = Files.readAllBytes(SAMPLES.resolve("invalid-with-private-key.crt"));
    assertThatThrownBy(() -> CaBundle.read(pem)).hasMessage("holds a private key: a CA bundle needs the certificates only");
  }
}
