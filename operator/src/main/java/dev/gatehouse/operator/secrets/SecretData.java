package dev.gatehouse.operator.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Reads a Secret's entries whether they came back from the server as data or were set as stringData. */
public final class SecretData {

  private SecretData() {}

  public static boolean hasKey(Secret secret, String key) {
    return entries(secret.getData()).containsKey(key)
        || entries(secret.getStringData()).containsKey(key);
  }

  /** Every key, from data and stringData, sorted. */
  public static SortedSet<String> keys(Secret secret) {
    SortedSet<String> keys = new TreeSet<>(entries(secret.getData()).keySet());
    keys.addAll(entries(secret.getStringData()).keySet());
    return keys;
  }

  public static byte[] value(Secret secret, String key) {
    String encoded = entries(secret.getData()).get(key);
    if (encoded != null) {
      return Base64.getDecoder().decode(encoded);
    }
    String plain = entries(secret.getStringData()).get(key);
    return plain == null ? new byte[0] : plain.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The bytes as UTF-8 text, decoded as strictly as the auth service reads its files (a stray
   * Latin-1 byte stops it); empty when they are not UTF-8.
   */
  public static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> entries(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
