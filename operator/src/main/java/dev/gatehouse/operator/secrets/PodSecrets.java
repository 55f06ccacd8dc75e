package dev.gatehouse.operator.secrets;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.ExternalRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.api.v1alpha1.SecretKeyReference;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.api.v1alpha1.SentinelSpec;
import dev.gatehouse.operator.api.v1alpha1.TlsSpec;
import dev.gatehouse.tls.CaBundle;
import dev.gatehouse.tls.InvalidCaBundle;
import dev.gatehouse.tls.TlsPair;
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
    Optional<String> clients,
    Optional<String> tls,
    Optional<SecretKeyReference> sentinelPassword, boolean sentinelPasswordGenerated,
    Optional<SecretKeyReference> redisCa) {

  /** The key of the clients Secret that holds the clients file. */
  public static final String CLIENTS_KEY = "clients.yaml";
  /** The keys of a {@code kubernetes.io/tls} Secret that the pods read. */
  public static final String TLS_CERTIFICATE_KEY = TlsPair.CERTIFICATE_FILE;
  public static final String TLS_KEY_KEY = TlsPair.KEY_FILE;
  /** The key of the generated managed-Redis password Secret. */
  public static final String REDIS_PASSWORD_KEY = "password";
  /** The key of the generated managed-Sentinel password Secret. */
  public static final String SENTINEL_PASSWORD_KEY = "password";
  /** The key of the admin token Secret. */
  public static final String ADMIN_TOKEN_KEY = "token";

  public static PodSecrets of(AuthService primary) {
    String instance = primary.getMetadata().getName();
    ExternalRedisSpec external = primary.getSpec().getRedis().getExternal();
    SecretKeyReference redisPassword = external != null
        ? external.getPasswordSecretRef()
        : new SecretKeyReference(AuthServiceResources.redisPasswordSecretName(instance),
            REDIS_PASSWORD_KEY);
    // A highly available managed Redis: the Sentinels' password is generated too.
    boolean managedSentinels =
        external == null && primary.getSpec().getRedis().getManaged().isHighlyAvailable();
    SecretReference userKeys = primary.getSpec().getJwt().getSigningKeySecretRef();
    String signingKeys = userKeys != null ? userKeys.getName()
        : AuthServiceResources.signingKeySecretName(instance, signingAlgorithm(primary));
    return new PodSecrets(redisPassword, external == null, signingKeys, userKeys == null,
        AuthServiceResources.adminTokenSecretName(instance),
        Optional.ofNullable(primary.getSpec().getClientsSecretRef()).map(SecretReference::getName),
        Optional.ofNullable(primary.getSpec().getTls()).map(TlsSpec::getSecretRef)
            .map(SecretReference::getName),
        managedSentinels
            ? Optional.of(new SecretKeyReference(
                AuthServiceResources.sentinelPasswordSecretName(instance), SENTINEL_PASSWORD_KEY))
            : Optional.ofNullable(external).map(ExternalRedisSpec::getSentinel)
                .map(SentinelSpec::getPasswordSecretRef),
        managedSentinels,
        Optional.ofNullable(external).map(ExternalRedisSpec::getCaSecretRef));
  }

  /** The algorithm the signing keys are for; ES256, the CRD's default, when the spec has none. */
  public static JwtAlgorithm signingAlgorithm(AuthService primary) {
    JwtAlgorithm algorithm = primary.getSpec().getJwt().getAlgorithm();
    return algorithm == null ? JwtAlgorithm.ES256 : algorithm;
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
    tls.filter(name -> !names.contains(name)).ifPresent(names::add);
    sentinelPassword.filter(ref -> !sentinelPasswordGenerated).map(SecretKeyReference::getName)
        .filter(name -> !names.contains(name)).ifPresent(names::add);
    redisCa.map(SecretKeyReference::getName).filter(name -> !names.contains(name))
        .ifPresent(names::add);
    return names;
  }

  /**
   * What is wrong with the user's Secrets, in words a person can act on; empty when the pods have
   * everything they read and would accept it. Content is checked as the auth service checks it at
   * start-up, so that a bad edit is refused here and the running pods keep what they have. The
   * rest of this reconcile reads the Secrets judged here, not newer copies ({@link JudgedSecrets}).
   */
  public List<SecretProblem> problems(AuthService primary, Context<AuthService> context) {
    JudgedSecrets.take(context, referencedByUser());
    List<SecretProblem> problems = new ArrayList<>();
    String namespace = primary.getMetadata().getNamespace();
    if (!redisPasswordGenerated) {
      password(context, redisPassword, "spec.redis.external.passwordSecretRef", "Redis password",
          namespace, problems);
    }
    sentinelPassword.filter(ref -> !sentinelPasswordGenerated).ifPresent(ref -> password(context, ref,
        "spec.redis.external.sentinel.passwordSecretRef", "Sentinel password", namespace,
        problems));
    if (!signingKeysGenerated) {
      present(context, signingKeys, SigningKeyEntries.ACTIVE_KID_KEY, "spec.jwt.signingKeySecretRef",
          namespace, problems).ifPresent(secret -> problems.addAll(
              SigningKeyEntries.problems(signingKeys, secret, signingAlgorithm(primary))));
    }
    clients.ifPresent(name ->
        present(context, name, CLIENTS_KEY, "spec.clientsSecretRef", namespace, problems)
            .flatMap(secret -> ClientsFile.problem(SecretData.value(secret, CLIENTS_KEY)))
            .ifPresent(what -> problems.add(SecretProblem.invalid(name, CLIENTS_KEY, what))));
    tls.ifPresent(name ->
        present(context, name, TLS_CERTIFICATE_KEY, "spec.tls.secretRef", namespace, problems)
            .flatMap(secret -> present(context, name, TLS_KEY_KEY, "spec.tls.secretRef", namespace,
                problems))
            .ifPresent(secret -> TlsSecretContent.problems(name, secret).forEach(problems::add)));
    // Judged as the pods read it at start-up (CaBundle): a bad CA would leave every new pod
    // unable to reach Redis, while the running ones keep the CA they read.
    redisCa.ifPresent(ref ->
        present(context, ref.getName(), ref.getKey(), "spec.redis.external.caSecretRef", namespace,
            problems).ifPresent(secret -> {
              try {
                CaBundle.read(SecretData.value(secret, ref.getKey()));
              } catch (InvalidCaBundle e) {
                problems.add(SecretProblem.invalid(ref.getName(), ref.getKey(),
                    "the Redis CA bundle " + e.getMessage()));
              }
            }));
    return problems;
  }

  /** A password the user's Secret holds: present, UTF-8 text, not empty. */
  private static void password(Context<AuthService> context, SecretKeyReference ref, String field,
      String what, String namespace, List<SecretProblem> problems) {
    present(context, ref.getName(), ref.getKey(), field, namespace, problems).ifPresent(secret -> {
      // The service reads the file as UTF-8 and strips a trailing line break, which
      // kubectl create secret --from-file adds.
      Optional<String> password =
          SecretData.utf8(SecretData.value(secret, ref.getKey())).map(String::stripTrailing);
      if (password.isEmpty()) {
        problems.add(SecretProblem.invalid(ref.getName(), ref.getKey(),
            "the " + what + " is not UTF-8 text"));
      } else if (password.get().isEmpty()) {
        problems.add(SecretProblem.invalid(ref.getName(), ref.getKey(), "the " + what + " is empty"));
      }
    });
  }

  /** The Secret if it exists and has {@code key}; otherwise adds the problem and is empty. */
  private static Optional<Secret> present(Context<AuthService> context, String name, String key,
      String field, String namespace, List<SecretProblem> problems) {
    Optional<Secret> secret = find(context, name);
    if (secret.isEmpty()) {
      problems.add(SecretProblem.missing(name, field, namespace));
      return Optional.empty();
    }
    if (!SecretData.hasKey(secret.get(), key)) {
      problems.add(SecretProblem.keyMissing(name, key, field));
      return Optional.empty();
    }
    return secret;
  }

  /**
   * A Secret of this primary by name, from the informer caches (generated or referenced); a
   * referenced one as {@link #problems} judged it, once this reconcile has.
   */
  public static Optional<Secret> find(Context<AuthService> context, String name) {
    return JudgedSecrets.find(context, name);
  }
}
