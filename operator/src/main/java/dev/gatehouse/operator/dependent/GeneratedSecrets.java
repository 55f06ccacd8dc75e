package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceUtils;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;

import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Secrets the operator generates, reconciled before anything that reads them. They sit outside
 * the managed workflow on purpose: the workflow runs independent dependents in parallel, and a
 * Deployment whose config hash was computed before its Secret existed would roll a second time.
 * Created here first, they are in the informer cache (JOSDK's temporary cache) when the workflow's
 * {@code desired()} methods look them up.
 */
public class GeneratedSecrets {

  private final RedisPasswordSecret redisPassword = new RedisPasswordSecret();
  private final SigningKeySecret signingKeys = new SigningKeySecret();
  private final AdminTokenSecret adminToken = new AdminTokenSecret();

  public List<EventSource<?, AuthService>> eventSources(EventSourceContext<AuthService> context) {
    return EventSourceUtils.dependentEventSources(context, redisPassword, signingKeys, adminToken);
  }

  /**
   * Creates what is missing and deletes a generated Secret the spec no longer uses (say, after a
   * switch to an external Redis). Returns the names of the Secrets it created.
   */
  public List<String> reconcile(AuthService primary, Context<AuthService> context) {
    PodSecrets secrets = PodSecrets.of(primary);
    List<String> created = new ArrayList<>();
    reconcileOrDelete(redisPassword, secrets.redisPasswordGenerated(), primary, context, created);
    reconcileOrDelete(signingKeys, secrets.signingKeysGenerated(), primary, context, created);
    deleteKeysOfOtherAlgorithms(primary, context, secrets);
    reconcileOrDelete(adminToken, true, primary, context, created);
    return created;
  }

  /**
   * A change of {@code spec.jwt.algorithm} generates a key Secret under a new name, and the old
   * one would stay until the AuthService goes: private key material that nothing reads. It is
   * deleted at once, as the Redis password is on a switch to an external Redis. Running pods keep
   * the files they mounted until the rollout replaces them, and tokens the old key signed stop
   * verifying with the change in any case (the service accepts one algorithm). Only a Secret this
   * AuthService owns and no field of its spec names is deleted.
   */
  private static void deleteKeysOfOtherAlgorithms(AuthService primary, Context<AuthService> context,
      PodSecrets secrets) {
    Set<String> stale = new HashSet<>(SigningKeySecret.namesUnderOtherAlgorithms(primary));
    stale.removeAll(secrets.referencedByUser());
    context.getSecondaryResourcesAsStream(Secret.class)
        .filter(secret -> stale.contains(secret.getMetadata().getName()))
        .filter(secret -> secret.getMetadata().getOwnerReferences().stream()
            .anyMatch(owner -> primary.getMetadata().getUid().equals(owner.getUid())))
        .map(secret -> secret.getMetadata().getName())
        .distinct()
        .forEach(name -> context.getClient().secrets()
            .inNamespace(primary.getMetadata().getNamespace()).withName(name).delete());
  }

  private static void reconcileOrDelete(GeneratedSecret dependent, boolean wanted,
      AuthService primary, Context<AuthService> context, List<String> created) {
    if (!wanted) {
      dependent.delete(primary, context);
      return;
    }
    ReconcileResult<Secret> result = dependent.reconcile(primary, context);
    if (result.getResourceOperations().containsValue(ReconcileResult.Operation.CREATED)) {
      created.add(dependent.secretName(primary));
    }
  }
}
