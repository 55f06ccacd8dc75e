package dev.gatehouse.operator.secrets;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets, from one strong source. */
public final class SecretMaterial {

  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretMaterial() {}

  /** {@code bytes} random bytes, base64url without padding: safe in a file, a URL and redis.conf. */
  public static String randomToken(int bytes) {
    byte[] buffer = new byte[bytes];
    RANDOM.nextBytes(buffer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
  }

  public static SecureRandom random() {
    return RANDOM;
  }
}
