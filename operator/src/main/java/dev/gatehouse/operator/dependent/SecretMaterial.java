package dev.gatehouse.operator.dependent;

import java.security.SecureRandom;
import java.util.Base64;

/** Random secrets, from one strong source. */
final class SecretMaterial {

  private static final SecureRandom RANDOM = new SecureRandom();

  private SecretMaterial() {}

  /** {@code bytes} random bytes, base64url without padding: safe in a file, a URL and redis.conf. */
  static String randomToken(int bytes) {
    byte[] buffer = new byte[bytes];
    RANDOM.nextBytes(buffer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
  }

  static SecureRandom random() {
    return RANDOM;
  }
}
