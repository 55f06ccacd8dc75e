package dev.gatehouse.operator.secrets;

import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import io.fabric8.kubernetes.api.model.Secret;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a user's signing-key Secret as the auth service's KeyRing reads its mounted copy
 * (docs/auth-service-contract.md, "Signing-key Secret"), so that a key the pods would refuse is
 * reported before any pod is rolled onto it. The samples in contracts/signing-keys/ are read by
 * this class's test and by the auth service's, so the two readers cannot drift apart unnoticed.
 * Messages name entries, never their content.
 */
public final class SigningKeyEntries {

  /** The entry naming the kid that signs; the others are {@code <kid>.pem} or {@code <kid>.hmac}. */
  public static final String ACTIVE_KID_KEY = "active-kid";

  /** Order of the P-256 group: the only EC curve ES256 allows. */
  private static final BigInteger P256_ORDER =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
  private static final int MIN_HMAC_BYTES = 32;
  private static final int MIN_RSA_BITS = 2048;
  /** A kid shown in a message: anything else in active-kid could be pasted key material. */
  private static final Pattern PRINTABLE_KID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private SigningKeyEntries() {}

  /** How the entries of keys for {@code algorithm} end; the kid is the rest of the name. */
  public static String extension(JwtAlgorithm algorithm) {
    return algorithm == JwtAlgorithm.HS256 ? ".hmac" : ".pem";
  }

  /**
   * The kid {@code active-kid} names, if it looks like one: anything else could be pasted key
   * material, which must not reach status or an Event.
   */
  public static Optional<String> activeKid(Secret secret) {
    if (!SecretData.hasKey(secret, ACTIVE_KID_KEY)) {
      return Optional.empty();
    }
    String active = new String(SecretData.value(secret, ACTIVE_KID_KEY), StandardCharsets.UTF_8).strip();
    return PRINTABLE_KID.matcher(active).matches() ? Optional.of(active) : Optional.empty();
  }

  /** What the auth service would refuse in the Secret {@code name}, one problem per entry. */
  static List<SecretProblem> problems(String name, Secret secret, JwtAlgorithm algorithm) {
    String extension = extension(algorithm);
    List<SecretProblem> problems = new ArrayList<>();
    TreeSet<String> kids = new TreeSet<>();
    for (String entry : SecretData.keys(secret)) {
      // The kubelet's own files start with a dot; the service skips every such name.
      if (entry.startsWith(".") || !entry.endsWith(extension)) {
        continue;
      }
      kids.add(entry.substring(0, entry.length() - extension.length()));
      byte[] value = SecretData.value(secret, entry);
      Optional<String> problem = algorithm == JwtAlgorithm.HS256
          ? hmacProblem(value)
          : pemProblem(new String(value, StandardCharsets.US_ASCII), algorithm);
      problem.ifPresent(what -> problems.add(SecretProblem.invalid(name, entry, what)));
    }
    if (kids.isEmpty()) {
      problems.add(SecretProblem.invalid(name, "no key ends in " + extension
          + ", so there is no key to sign " + algorithm + " tokens with"));
    }
    if (SecretData.hasKey(secret, ACTIVE_KID_KEY)) {
      String active = new String(SecretData.value(secret, ACTIVE_KID_KEY),
          StandardCharsets.UTF_8).strip();
      if (!kids.contains(active)) {
        String entries = " (keys ending in " + extension + ": "
            + (kids.isEmpty() ? "none" : String.join(", ", kids.stream().map(k -> k + extension).toList()))
            + ")";
        problems.add(SecretProblem.invalid(name, ACTIVE_KID_KEY,
            PRINTABLE_KID.matcher(active).matches()
                ? "names " + active + " but there is no key " + active + extension + entries
                : "does not name a key" + entries));
      }
    }
    return problems;
  }

  private static Optional<String> hmacProblem(byte[] secret) {
    return secret.length < MIN_HMAC_BYTES
        ? Optional.of("an HS256 key must be at least " + MIN_HMAC_BYTES + " bytes, this one has "
            + secret.length)
        : Optional.empty();
  }

  /** For ES256 and RS256, whose keys are PEM entries. */
  private static Optional<String> pemProblem(String pem, JwtAlgorithm algorithm) {
    if (pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")) {
      return Optional.of("the key is not PKCS#8: convert it with `openssl pkcs8 -topk8 -nocrypt`");
    }
    String keyAlgorithm = algorithm == JwtAlgorithm.ES256 ? "EC" : "RSA";
    PrivateKey key;
    try {
      String base64 = pem.replaceAll("-----BEGIN PRIVATE KEY-----|-----END PRIVATE KEY-----|\\s", "");
      key = KeyFactory.getInstance(keyAlgorithm)
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // Not the exception's message: a parser may quote what it could not read.
      return Optional.of("not a PEM-encoded PKCS#8 " + keyAlgorithm + " private key, which "
          + algorithm + " needs");
    }
    if (algorithm == JwtAlgorithm.ES256
        && (!(key instanceof ECPrivateKey ec) || !P256_ORDER.equals(ec.getParams().getOrder()))) {
      return Optional.of("the EC key is not on curve P-256, which ES256 requires");
    }
    if (algorithm == JwtAlgorithm.RS256
        && (!(key instanceof RSAPrivateCrtKey rsa) || rsa.getModulus().bitLength() < MIN_RSA_BITS)) {
      return Optional.of("RS256 needs an RSA key of at least " + MIN_RSA_BITS + " bits");
    }
    return Optional.empty();
  }
}
