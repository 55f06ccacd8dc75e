package dev.gatehouse.operator.secrets;

import dev.gatehouse.tls.InvalidTlsPair;
import dev.gatehouse.tls.TlsPair;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;

/**
 * What the auth service would refuse in a {@code kubernetes.io/tls} Secret, decided by the check the
 * pods run themselves ({@link TlsPair}): no certificate in {@code tls.crt}, no readable unencrypted
 * key in {@code tls.key} (PKCS#8, or cert-manager's PKCS#1 and SEC1), or a key of another
 * certificate.
 */
final class TlsSecretContent {

  private TlsSecretContent() {}

  static List<SecretProblem> problems(String secret, Secret content) {
    try {
      TlsPair.read(SecretData.value(content, PodSecrets.TLS_CERTIFICATE_KEY),
          SecretData.value(content, PodSecrets.TLS_KEY_KEY));
      return List.of();
    } catch (InvalidTlsPair e) {
      return List.of(SecretProblem.invalid(secret, e.file(), e.problem()));
    }
  }
}
