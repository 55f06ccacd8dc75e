package dev.gatehouse.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** Reads a Secret's entries whether they came back from the server as data or were set as stringData. */
final class SecretData {

  private SecretData() {}

  static boolean hasKey(Secret secret, String key) {
    return entries(secret.getData()).containsKey(key)
        || entries(secret.getStringData()).containsKey(key);
  }

  /** Every key, from data and stringData, sorted. */
  static SortedSet<String> keys(Secret secret) {
    SortedSet<String> keys = new TreeSet<>(entries(secret.getData()).keySet());
    keys.addAll(entries(secret.getStringData()).keySet());
    return keys;
  }

  static byte[] value(Secret secret, String key) {
    String encoded = entries(secret.getData()).get(key);
    if (encoded != null) {
      return Base64.getDecoder().decode(encoded);
    }
    String plain = entries(secret.getStringData()).get(key);
    return plain == null ? new byte[0] : plain.getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, String> entries(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
