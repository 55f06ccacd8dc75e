package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.secrets.SecretMaterial;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Optional;

/**
 * The managed Sentinels' own password: without one, anything that reaches port 26379 could order
 * {@code SENTINEL MONITOR} of a rogue primary or a failover, and the auth pods would follow it.
 * Two keys, written once together: {@code password}, which the auth pods and the operator log in
 * to the Sentinels with, and {@code auth.conf}, which each Sentinel includes ({@code requirepass}
 * for its clients, {@code sentinel sentinel-pass} for its peers).
 *
 * <p>A password of its own rather than the Redis password: that one is rotated with two passwords
 * accepted at once, but a Sentinel asks its peers with a single {@code sentinel-pass}, so a
 * Sentinel set sharing it would refuse its peers (and lose its quorum) mid-rotation. This one is
 * not rotated in place; deleting the Secret generates a new one, and the Sentinels and the auth
 * pods roll onto it (their templates carry its hash), the Sentinels one at a time.
 */
public class SentinelPasswordSecret extends GeneratedSecret {

  public static final String AUTH_CONF_KEY = "auth.conf";

  public SentinelPasswordSecret() {
    super(primary -> AuthServiceResources.sentinelPasswordSecretName(primary.getMetadata().getName()));
  }

  /** The password in this Secret, if the Secret is there and has it. */
  static Optional<String> password(Optional<Secret> secret) {
    return entry(secret, PodSecrets.SENTINEL_PASSWORD_KEY);
  }

  /** The lines a Sentinel includes: the password is base64url, which sentinel.conf takes unquoted. */
  static String authConf(String password) {
    return "requirepass " + password + "\nsentinel sentinel-pass " + password + "\n";
  }

  @Override
  Map<String, String> generate(AuthService primary) {
    String password = SecretMaterial.randomToken(32);
    return Map.of(PodSecrets.SENTINEL_PASSWORD_KEY, password, AUTH_CONF_KEY, authConf(password));
  }
}
