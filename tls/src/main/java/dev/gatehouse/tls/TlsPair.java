package dev.gatehouse.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The {@code tls.crt} and {@code tls.key} of a {@code kubernetes.io/tls} Secret, read and checked to
 * belong together. The operator judges a Secret with this before it calls the Secret usable, and
 * the auth service before it serves a pair, so a Secret the operator lets through is one the pods
 * serve. A key of another certificate matters most: a TLS stack loads it, and then every handshake
 * fails.
 */
public record TlsPair(List<X509Certificate> chain, PrivateKey key) {

  /** The Secret key (and mounted file name) of the certificate chain, leaf first. */
  public static final String CERTIFICATE_FILE = "tls.crt";
  /** The Secret key (and mounted file name) of the private key. */
  public static final String KEY_FILE = "tls.key";

  public TlsPair {
    chain = List.copyOf(chain);
  }

  /** Reads both PEM files; throws naming the file to fix when the pair cannot be served. */
  public static TlsPair read(byte[] certificatePem, byte[] keyPem) throws InvalidTlsPair {
    List<X509Certificate> chain = certificates(certificatePem);
    PrivateKey key = PemPrivateKey.read(keyPem);
    String signature = signatureFor(key);
    if (!belongTogether(chain.get(0), key, signature)) {
      throw new InvalidTlsPair(KEY_FILE, "holds a private key that does not belong to the first"
          + " certificate of " + CERTIFICATE_FILE + " (" + chain.get(0).getSubjectX500Principal().getName() + ")");
    }
    return new TlsPair(chain, key);
  }

  /** The certificate the key belongs to, the one a client sees first. */
  public X509Certificate leaf() {
    return chain.get(0);
  }

  private static List<X509Certificate> certificates(byte[] pem) throws InvalidTlsPair {
    List<X509Certificate> chain = CaBundle.certificates(pem);
    if (chain.isEmpty()) {
      throw new InvalidTlsPair(CERTIFICATE_FILE, "holds no PEM X.509 certificate");
    }
    return chain;
  }

  /** The algorithms a TLS 1.2/1.3 server of the JDK signs its handshake with. */
  private static String signatureFor(PrivateKey key) throws InvalidTlsPair {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> throw new InvalidTlsPair(KEY_FILE, "holds a " + key.getAlgorithm()
          + " key; EC, RSA and EdDSA keys are served");
    };
  }

  /** The key signs a random challenge that the certificate's public key verifies. */
  private static boolean belongTogether(X509Certificate certificate, PrivateKey key, String algorithm) {
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
      // A public key of another algorithm than the private key's: not this key's certificate.
      return false;
    }
  }
}
