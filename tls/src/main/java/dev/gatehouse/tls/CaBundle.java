package dev.gatehouse.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;

/**
 * CA certificates in PEM (a {@code ca.crt}): the trust anchors a TLS client checks a server's chain
 * against. The operator judges a CA Secret with this before the pods mount it, and the auth service
 * reads its CA file with it, so a bundle the operator lets through is one the pods trust.
 */
public record CaBundle(List<X509Certificate> certificates) {

  public CaBundle {
    certificates = List.copyOf(certificates);
  }

  /** Reads the bundle; throws with what is wrong, never quoting the bytes. */
  public static CaBundle read(byte[] pem) throws InvalidCaBundle {
    // A key pasted in with its CA would be copied into every pod that only needs to trust it.
    if (new String(pem, StandardCharsets.ISO_8859_1).matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*")) {
      throw new InvalidCaBundle("holds a private key: a CA bundle needs the certificates only");
    }
    List<X509Certificate> certificates = certificates(pem);
    if (certificates.isEmpty()) {
      throw new InvalidCaBundle("holds no PEM X.509 certificate");
    }
    return new CaBundle(certificates);
  }

  /** The certificates of a PEM file, in order; empty when none can be read. */
  static List<X509Certificate> certificates(byte[] pem) {
    try {
      return CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).stream()
          .map(X509Certificate.class::cast)
          .toList();
    } catch (CertificateException | RuntimeException e) {
      // The JDK's message may quote the bytes it could not read; the caller's says enough.
      return List.of();
    }
  }

  /** Trust managers that trust these certificates and nothing else (not the JDK's own CAs). */
  public TrustManagerFactory trustManagerFactory() {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      for (int i = 0; i < certificates.size(); i++) {
        anchors.setCertificateEntry("ca-" + i, certificates.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(anchors);
      return factory;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("every JVM has PKCS12 key stores and PKIX trust managers", e);
    }
  }
}
