package dev.gatehouse.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pair check both programs run, on contracts/tls (whose samples the operator's
 * SecretContentTest and the service's CertificateAndKeyTest also judge through their own callers)
 * and on damaged keys no sample holds.
 */
class TlsPairTest {

  private static final Path SAMPLES = Path.of(System.getProperty("gatehouse.contracts.dir", "../contracts"), "tls");

  static Stream<String> samples() throws IOException {
    try (Stream<Path> dirs = Files.list(SAMPLES)) {
      return dirs.map(dir -> dir.getFileName().toString()).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "tls/{0}")
  @MethodSource("samples")
  void everyValidSampleIsReadAndEveryInvalidOneNamesTheFileToFix(String sample) throws Exception {
    byte[] certificate = file(sample, TlsPair.CERTIFICATE_FILE);
    byte[] key = file(sample, TlsPair.KEY_FILE);
    if (sample.startsWith("valid-")) {
      TlsPair pair = TlsPair.read(certificate, key);
      assertThat(pair.leaf()).isEqualTo(CertificateFactory.getInstance("X.509")
          .generateCertificates(new java.io.ByteArrayInputStream(certificate)).iterator().next());
      assertThat(pair.chain()).isNotEmpty();
    } else {
      assertThatThrownBy(() -> TlsPair.read(certificate, key)).isInstanceOfSatisfying(InvalidTlsPair.class, e -> {
        assertThat(e.file()).isIn(TlsPair.CERTIFICATE_FILE, TlsPair.KEY_FILE);
        assertThat(e.getMessage()).isEqualTo(e.file() + " " + e.problem());
        assertThat(e.problem()).startsWith("holds ");
        assertQuotesNoKeyLine(e, key);
      });
    }
  }

  @Test
  void theFormsOfAKeyOfAnotherCertificateAreAllCaught() {
    assertRefused("invalid-key-of-another-certificate").hasMessageContaining("does not belong to the first certificate");
    assertRefused("invalid-sec1-key-of-another-certificate").hasMessageContaining("does not belong to the first certificate");
    assertRefused("invalid-pkcs1-key-of-another-certificate").hasMessageContaining("does not belong to the first certificate");
    // An RSA key beside an EC certificate: the signatures of different algorithms cannot verify.
    assertThatThrownBy(() -> TlsPair.read(file("valid-ec-pkcs8", "tls.crt"), file("valid-rsa-pkcs1", "tls.key")))
        .hasMessageContaining("does not belong to the first certificate of tls.crt (CN=auth.shop.svc)");
  }

  @Test
  void anEncryptedKeyIsNamedAsSuch() {
    assertRefused("invalid-encrypted-key").hasMessage("tls.key holds an encrypted private key;"
        + " a kubernetes.io/tls Secret holds it unencrypted");
    String legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
        + "-----END RSA PRIVATE KEY-----\n";
    assertThatThrownBy(() -> TlsPair.read(file("valid-rsa-pkcs1", "tls.crt"), legacy.getBytes(StandardCharsets.US_ASCII)))
        .hasMessageContaining("encrypted private key");
  }

  /** Damaged DER must be refused with the file's name, never read past its end or thrown raw. */
  @Test
  void damagedKeysAreRefusedWithoutQuotingThem() throws Exception {
    byte[] certificate = file("valid-ec-sec1-with-chain", "tls.crt");
    byte[] sec1 = der(file("valid-ec-sec1-with-chain", "tls.key"), "EC PRIVATE KEY");
    for (int cut = 0; cut < sec1.length; cut += 7) {
      byte[] truncated = java.util.Arrays.copyOf(sec1, cut);
      assertThatThrownBy(() -> TlsPair.read(certificate, pem("EC PRIVATE KEY", truncated)))
          .isInstanceOf(InvalidTlsPair.class)
          .hasMessage("tls.key holds a EC PRIVATE KEY block that cannot be read as a private key");
    }
    // A length of more octets than any key has, and an EC key without its curve.
    assertThatThrownBy(() -> TlsPair.read(certificate, pem("EC PRIVATE KEY", new byte[] {0x30, (byte) 0x85, 1, 1, 1, 1, 1})))
        .isInstanceOf(InvalidTlsPair.class);
    byte[] withoutCurve = new byte[] {0x30, 0x07, 0x02, 0x01, 0x01, 0x04, 0x02, 0x01, 0x02};
    assertThatThrownBy(() -> TlsPair.read(certificate, pem("EC PRIVATE KEY", withoutCurve)))
        .isInstanceOf(InvalidTlsPair.class).hasMessageContaining("EC PRIVATE KEY block that cannot be read");
    assertThatThrownBy(() -> TlsPair.read(certificate, "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"
        .getBytes(StandardCharsets.US_ASCII))).isInstanceOf(InvalidTlsPair.class);
    assertThatThrownBy(() -> TlsPair.read(certificate, new byte[0]))
        .isInstanceOf(InvalidTlsPair.class).hasMessageStartingWith("tls.key holds no PEM private key");
  }

  @Test
  void aCertificateFileWithoutACertificateIsNamedBeforeTheKey() {
    assertThatThrownBy(() -> TlsPair.read("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        .getBytes(StandardCharsets.US_ASCII), new byte[0]))
        .isInstanceOfSatisfying(InvalidTlsPair.class, e -> assertThat(e.file()).isEqualTo("tls.crt"))
        .hasMessage("tls.crt holds no PEM X.509 certificate");
  }

  @Test
  void aKeyOfAnAlgorithmTlsDoesNotServeIsNamed() throws Exception {
    byte[] dsa = KeyPairGenerator.getInstance("DSA").generateKeyPair().getPrivate().getEncoded();
    assertThatThrownBy(() -> TlsPair.read(file("valid-ec-pkcs8", "tls.crt"), pem("PRIVATE KEY", dsa)))
        .hasMessage("tls.key holds a DSA key; EC, RSA and EdDSA keys are served");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(String sample) {
    return assertThatThrownBy(() -> TlsPair.read(file(sample, "tls.crt"), file(sample, "tls.key")))
        .isInstanceOf(InvalidTlsPair.class);
  }

  private static void assertQuotesNoKeyLine(Exception e, byte[] key) {
    new String(key, StandardCharsets.US_ASCII).lines().filter(line -> !line.startsWith("-----") && line.length() > 8)
        .forEach(line -> assertThat(e.getMessage()).doesNotContain(line));
  }

  private static byte[] file(String sample, String name) throws IOException {
    return Files.readAllBytes(SAMPLES.resolve(sample).resolve(name));
  }

  private static byte[] der(byte[] pem, String label) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    String body = text.substring(text.indexOf("-----BEGIN " + label + "-----") + label.length() + 16,
        text.indexOf("-----END " + label + "-----"));
    return Base64.getMimeDecoder().decode(body.strip());
  }

  private static byte[] pem(String label, byte[] der) {
    return ("-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label
        + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }
}
