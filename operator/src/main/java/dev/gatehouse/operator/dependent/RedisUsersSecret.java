package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.secrets.SecretData;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The passwords the managed Redis accepts right now: the current one of {@link RedisPasswordSecret}
 * and, during a rotation, the previous ones that running auth pods still hold. Unlike a generated
 * Secret it is the operator's record and changes: {@link RedisPasswordRotation} adds a new password
 * before any pod uses it and retires an old one once no pod does.
 *
 * <p>Two keys: {@code users.conf}, the ACL rule of Redis's default user with the passwords as
 * SHA-256 hashes (what the Redis pod mounts and includes at start), and {@code passwords}, the
 * passwords themselves, one a line, oldest first, which only the operator reads: it must log in to
 * Redis with a password Redis already accepts to add the next one. A highly available Redis has a
 * third, {@code replication.conf}: the {@code masterauth} a replica logs in to its primary with,
 * the newest password (it is accepted everywhere before it is written here).
 */
public final class RedisUsersSecret {

  public static final String USERS_KEY = "users.conf";
  static final String PASSWORDS_KEY = "passwords";
  public static final String REPLICATION_KEY = "replication.conf";
  /** Pod-template annotation of the auth pods: which Redis password they hold, as a one-way id. */
  public static final String PASSWORD_ID_ANNOTATION = "gatehouse.dev/redis-password-id";

  private RedisUsersSecret() {}

  /** The accepted passwords in this Secret, oldest first; empty when it has none. */
  static List<String> passwords(Secret secret) {
    String text = new String(SecretData.value(secret, PASSWORDS_KEY), StandardCharsets.UTF_8);
    return text.lines().filter(line -> !line.isEmpty()).toList();
  }

  static Secret build(AuthService primary, List<String> passwords) {
    Map<String, String> data = new TreeMap<>();
    data.put(USERS_KEY, base64(aclRule(passwords)));
    data.put(PASSWORDS_KEY, base64(String.join("\n", passwords) + "\n"));
    if (ManagedRedisEnabled.isManaged(primary)
        && primary.getSpec().getRedis().getManaged().isHighlyAvailable() && !passwords.isEmpty()) {
      data.put(REPLICATION_KEY, base64(masterAuth(passwords) + "\n"));
    }
    // Owned like every child (ChildMetadata): it goes with the AuthService, and the informers map
    // it back to it.
    return new SecretBuilder()
        .withMetadata(ChildMetadata.of(primary,
            AuthServiceResources.redisUsersSecretName(primary.getMetadata().getName()),
            Component.REDIS))
        .withType("Opaque")
        // data, not stringData: stringData is write-only, so server-side apply would see a change
        // on every apply.
        .withData(data)
        .build();
  }

  /** The replicas' password: the newest one, which every Redis accepts once it is recorded. */
  static String masterAuth(List<String> passwords) {
    return "masterauth " + passwords.get(passwords.size() - 1);
  }

  /**
   * The default user, with every password that may log in. {@code #} gives a password as its
   * SHA-256, so the file Redis mounts holds no password.
   */
  static String aclRule(List<String> passwords) {
    List<String> rule = List.of(setUserCommand(passwords));
    return "user " + String.join(" ", rule.subList(2, rule.size())) + "\n";
  }

  /**
   * The same rule for {@code ACL SETUSER default}, as its arguments: {@code resetpass} and the new
   * list in one command, so Redis never accepts a set of passwords between the old and the new.
   */
  static String[] setUserCommand(List<String> passwords) {
    List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", "default", "on", "resetpass"));
    passwords.forEach(password -> command.add("#" + sha256(password)));
    command.addAll(List.of("~*", "&*", "+@all"));
    return command.toArray(String[]::new);
  }

  /**
   * A short one-way id of a password: enough to tell which one a pod holds, nothing about the
   * password (a 32-byte random token).
   */
  public static String passwordId(String password) {
    return sha256("gatehouse.dev/redis-password-id\0" + password).substring(0, 16);
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(String value) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
