package dev.gatehouse.operator.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A SHA-256 over the Secret entries and settings that pods read, written into the pod template so
 * that a change of any of them rolls the pods (the Keycloak and Strimzi pattern). Entries are fed in
 * sorted order, so the same inputs always give the same hash and a resync never rolls anything.
 * The hash is one-way: it does not reveal the material.
 */
public final class ConfigHash {

  public static final String ANNOTATION = "gatehouse.dev/config-hash";

  private final TreeMap<String, byte[]> entries = new TreeMap<>();

  /** Adds one key of a Secret; a missing Secret or key counts as empty, so it still hashes. */
  public ConfigHash secretKey(Optional<Secret> secret, String secretName, String key) {
    entries.put("secret/" + secretName + "/" + key,
        secret.map(s -> SecretData.value(s, key)).orElse(new byte[0]));
    return this;
  }

  /** Adds every key of a Secret. */
  public ConfigHash wholeSecret(Optional<Secret> secret, String secretName) {
    secret.ifPresent(s -> SecretData.keys(s).forEach(key -> secretKey(secret, secretName, key)));
    entries.putIfAbsent("secret/" + secretName, new byte[0]);
    return this;
  }

  public ConfigHash value(String name, String value) {
    entries.put("value/" + name, value.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public String digest() {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      entries.forEach((name, bytes) -> {
        sha256.update(name.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(Integer.toString(bytes.length).getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(bytes);
      });
      return HexFormat.of().formatHex(sha256.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
