package dev.gatehouse.operator.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the auth service would refuse in a {@code kubernetes.io/tls} Secret (its
 * {@code CertificateAndKey}): no certificate in {@code tls.crt}, no private key in {@code tls.key},
 * or, for a PKCS#8 key, a key of another certificate. SEC1 and PKCS#1 keys (cert-manager's
 * defaults) are recognised by their PEM label but not decoded: the JDK has no parser for them, and
 * the pods still refuse such a pair themselves, keeping the certificate they serve.
 */
final class TlsSecretContent {

  private static final Pattern PRIVATE_KEY = Pattern.compile(
      "-----BEGIN (RSA |EC )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1?PRIVATE KEY-----");

  private TlsSecretContent() {}

  static List<SecretProblem> problems(String secret, Secret content) {
    List<SecretProblem> problems = new ArrayList<>();
    Optional<X509Certificate> leaf = leaf(SecretData.value(content, PodSecrets.TLS_CERTIFICATE_KEY));
    if (leaf.isEmpty()) {
      problems.add(SecretProblem.invalid(secret, PodSecrets.TLS_CERTIFICATE_KEY,
          "holds no PEM X.509 certificate"));
    }
    String key = new String(SecretData.value(content, PodSecrets.TLS_KEY_KEY), StandardCharsets.US_ASCII);
    Matcher block = PRIVATE_KEY.matcher(key);
    if (!block.find()) {
      problems.add(SecretProblem.invalid(secret, PodSecrets.TLS_KEY_KEY,
          "holds no PEM private key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)"));
    } else if (block.group(1) == null && leaf.isPresent()) {
      Optional<PrivateKey> pkcs8 = pkcs8(block.group(2));
      if (pkcs8.isEmpty()) {
        problems.add(SecretProblem.invalid(secret, PodSecrets.TLS_KEY_KEY,
            "the PKCS#8 private key cannot be read"));
      } else if (!belongTogether(leaf.get(), pkcs8.get())) {
        problems.add(SecretProblem.invalid(secret, PodSecrets.TLS_KEY_KEY,
            "the private key does not belong to the first certificate of tls.crt ("
                + leaf.get().getSubjectX500Principal().getName() + ")"));
      }
    }
    return problems;
  }

  private static Optional<X509Certificate> leaf(byte[] pem) {
    try {
      Collection<? extends Certificate> chain =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
      return chain.stream().findFirst().map(X509Certificate.class::cast);
    } catch (CertificateException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<PrivateKey> pkcs8(String base64) {
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
      } catch (GeneralSecurityException e) {
        // not this algorithm
      }
    }
    return Optional.empty();
  }

  /** The key signs a random challenge that the certificate's public key verifies. */
  private static boolean belongTogether(X509Certificate certificate, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> "Ed25519";
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signer.sign());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
