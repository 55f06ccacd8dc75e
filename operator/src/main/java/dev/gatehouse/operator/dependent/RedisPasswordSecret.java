package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.secrets.SecretMaterial;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Optional;

/**
 * The current password of the managed Redis, in {@code password}, which the auth pods mount. Redis
 * itself reads the accepted passwords from {@link RedisUsersSecret}, which during a rotation holds
 * the previous one too. (Secrets generated before that keep an unused {@code auth.conf} entry.)
 */
public class RedisPasswordSecret extends GeneratedSecret {

  public RedisPasswordSecret() {
    super(primary -> AuthServiceResources.redisPasswordSecretName(primary.getMetadata().getName()));
  }

  /** The password in this Secret, if the Secret is there and has it. */
  static Optional<String> password(Optional<Secret> secret) {
    return entry(secret, PodSecrets.REDIS_PASSWORD_KEY);
  }

  @Override
  Map<String, String> generate(AuthService primary) {
    return Map.of(PodSecrets.REDIS_PASSWORD_KEY, SecretMaterial.randomToken(32));
  }
}
