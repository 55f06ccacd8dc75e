package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.ExternalRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.SecretKeyReference;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Secrets an AuthService's pods read, whether the operator generated them or the user owns
 * them. One place answers "which Secret holds the Redis password" for the Deployment, the hash that
 * rolls the pods, and the check that reports a missing reference.
 */
public record PodSecrets(
    SecretKeyReference redisPassword, boolean redisPasswordGenerated,
    String signingKeys, boolean signingKeysGenerated,
    String adminToken,
    Optional<String> clients) {

  /** The key of the clients Secret that holds the clients file. */
  public static final String CLIENTS_KEY = "clients.yaml";

  public static PodSecrets of(AuthService primary) {
    ExternalRedisSpec external = primary.getSpec().getRedis().getExternal();
    SecretKeyReference redisPassword = external != null
        ? external.getPasswordSecretRef()
        : new SecretKeyReference(RedisPasswordSecret.name(primary), RedisPasswordSecret.PASSWORD_KEY);
    SecretReference userKeys = primary.getSpec().getJwt().getSigningKeySecretRef();
    String signingKeys = userKeys != null ? userKeys.getName() : SigningKeySecret.name(primary);
    return new PodSecrets(redisPassword, external == null, signingKeys, userKeys == null,
        AdminTokenSecret.name(primary),
        Optional.ofNullable(primary.getSpec().getClientsSecretRef()).map(SecretReference::getName));
  }

  /** The Secrets the user must provide: these are watched, and never created by the operator. */
  public List<String> referencedByUser() {
    List<String> names = new ArrayList<>();
    if (!redisPasswordGenerated) {
      names.add(redisPassword.getName());
    }
    if (!signingKeysGenerated) {
      names.add(signingKeys);
    }
    clients.ifPresent(names::add);
    return names;
  }

  /**
   * What is wrong with the user's references, in words a person can act on; empty when the pods
   * have everything they read.
   */
  public List<String> problems(AuthService primary, Context<AuthService> context) {
    List<String> problems = new ArrayList<>();
    String namespace = primary.getMetadata().getNamespace();
    if (!redisPasswordGenerated) {
      Optional<Secret> secret = find(context, redisPassword.getName());
      if (secret.isEmpty()) {
        problems.add("Secret " + redisPassword.getName() + " (spec.redis.external.passwordSecretRef)"
            + " does not exist in namespace " + namespace);
      } else if (!SecretData.hasKey(secret.get(), redisPassword.getKey())) {
        problems.add("Secret " + redisPassword.getName() + " has no key " + redisPassword.getKey()
            + " (spec.redis.external.passwordSecretRef.key)");
      }
    }
    if (!signingKeysGenerated) {
      Optional<Secret> secret = find(context, signingKeys);
      if (secret.isEmpty()) {
        problems.add("Secret " + signingKeys + " (spec.jwt.signingKeySecretRef) does not exist in"
            + " namespace " + namespace);
      } else if (!SecretData.hasKey(secret.get(), SigningKeySecret.ACTIVE_KID_KEY)) {
        problems.add("Secret " + signingKeys + " has no key " + SigningKeySecret.ACTIVE_KID_KEY
            + " naming the signing key (spec.jwt.signingKeySecretRef)");
      }
    }
    clients.ifPresent(name -> {
      Optional<Secret> secret = find(context, name);
      if (secret.isEmpty()) {
        problems.add("Secret " + name + " (spec.clientsSecretRef) does not exist in namespace "
            + namespace);
      } else if (!SecretData.hasKey(secret.get(), CLIENTS_KEY)) {
        problems.add("Secret " + name + " has no key " + CLIENTS_KEY + " (spec.clientsSecretRef)");
      }
    });
    return problems;
  }

  /** A Secret of this primary by name, from the informer caches (generated or referenced). */
  static Optional<Secret> find(Context<AuthService> context, String name) {
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(secret -> name.equals(secret.getMetadata().getName()))
        .findFirst();
  }
}
