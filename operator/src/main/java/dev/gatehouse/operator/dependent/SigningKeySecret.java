package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.secrets.SecretMaterial;
import dev.gatehouse.operator.secrets.SigningKeyEntries;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The generated JWT signing key, in the format of docs/auth-service-contract.md: {@code <kid>.pem}
 * (or {@code <kid>.hmac}) and {@code active-kid}. The algorithm is part of the name, so changing
 * {@code spec.jwt.algorithm} makes a new Secret of the right key type instead of editing key
 * material in place; the Deployment then mounts the new one and rolls, and the old one is deleted
 * ({@link #formerNames}).
 */
public class SigningKeySecret extends GeneratedSecret {

  public static final String ALGORITHM_ANNOTATION = "gatehouse.dev/algorithm";

  public SigningKeySecret() {
    super(primary -> AuthServiceResources.signingKeySecretName(primary.getMetadata().getName(),
        PodSecrets.signingAlgorithm(primary)));
  }

  /**
   * The names under the algorithms the spec does not use now: tokens the old key signed stop
   * verifying with the change in any case, as the service accepts one algorithm.
   */
  @Override
  Set<String> formerNames(AuthService primary) {
    JwtAlgorithm current = PodSecrets.signingAlgorithm(primary);
    return Arrays.stream(JwtAlgorithm.values())
        .filter(algorithm -> algorithm != current)
        .map(algorithm -> AuthServiceResources.signingKeySecretName(
            primary.getMetadata().getName(), algorithm))
        .collect(Collectors.toSet());
  }

  @Override
  Map<String, String> annotations(AuthService primary) {
    return Map.of(ALGORITHM_ANNOTATION, PodSecrets.signingAlgorithm(primary).name());
  }

  /** Mutable, unlike the other generated Secrets: {@link SigningKeyRotation} edits it in place. */
  @Override
  boolean immutable() {
    return false;
  }

  @Override
  Map<String, String> generate(AuthService primary) {
    NewKey key = newKey(PodSecrets.signingAlgorithm(primary));
    return Map.of(key.entry(), key.material(), SigningKeyEntries.ACTIVE_KID_KEY, key.kid());
  }

  /** A fresh key: its kid, the Secret entry that holds it and that entry's content. */
  record NewKey(String kid, String entry, String material) {}

  static NewKey newKey(JwtAlgorithm algorithm) {
    // A dated kid tells operators at a glance how old the signing key is.
    String kid = LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.BASIC_ISO_DATE)
        + "-" + SecretMaterial.randomToken(6);
    return switch (algorithm) {
      case HS256 -> new NewKey(kid, kid + ".hmac", SecretMaterial.randomToken(48));
      case ES256, RS256 -> new NewKey(kid, kid + ".pem", privateKeyPem(algorithm));
    };
  }

  private static String privateKeyPem(JwtAlgorithm algorithm) {
    try {
      KeyPairGenerator generator;
      if (algorithm == JwtAlgorithm.ES256) {
        generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), SecretMaterial.random());
      } else {
        generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(
            new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4), SecretMaterial.random());
      }
      byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
      return "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs8)
          + "\n-----END PRIVATE KEY-----\n";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a " + algorithm + " key", e);
    }
  }
}
