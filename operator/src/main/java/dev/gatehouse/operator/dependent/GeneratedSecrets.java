package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.informer.ManagedFieldsDroppingStore;
import dev.gatehouse.operator.secrets.PodSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.util.ArrayList;
import java.util.List;

/**
 * The Secrets the operator generates, reconciled before anything that reads them. They sit outside
 * the managed workflow on purpose: the workflow runs independent dependents in parallel, and a
 * Deployment whose config hash was computed before its Secret existed would roll a second time.
 * Created here first, they are in the informer cache (JOSDK's temporary cache) when the workflow's
 * {@code desired()} methods look them up.
 *
 * <p>One informer serves all of them, and the Redis users record too: with one informer per kind
 * of generated Secret, each would cache every labelled Secret of the namespace, so each Secret was
 * held once per informer (docs/benchmarks.md, "Operator").
 */
public class GeneratedSecrets {

  public static final String EVENT_SOURCE = "generated-secrets";

  private final RedisPasswordSecret redisPassword = new RedisPasswordSecret();
  private final SigningKeySecret signingKeys = new SigningKeySecret();
  private final AdminTokenSecret adminToken = new AdminTokenSecret();
  private final SentinelPasswordSecret sentinelPassword = new SentinelPasswordSecret();

  public EventSource<Secret, AuthService> eventSource(EventSourceContext<AuthService> context) {
    InformerEventSource<Secret, AuthService> secrets = new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Secret.class, AuthService.class)
            .withName(EVENT_SOURCE)
            .withLabelSelector(AuthServiceResources.MANAGED_SELECTOR)
            .withItemStore(new ManagedFieldsDroppingStore<>())
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(AuthService.class))
            .build(),
        context);
    for (GeneratedSecret dependent : List.of(redisPassword, signingKeys, adminToken,
        sentinelPassword)) {
      dependent.setEventSource(secrets);
    }
    return secrets;
  }

  /**
   * Creates what is missing and deletes a generated Secret the spec no longer uses (say, after a
   * switch to an external Redis, or the key of a former algorithm). Returns the names of the
   * Secrets it created.
   */
  public List<String> reconcile(AuthService primary, Context<AuthService> context) {
    PodSecrets secrets = PodSecrets.of(primary);
    List<String> created = new ArrayList<>();
    reconcileOrDelete(redisPassword, secrets.redisPasswordGenerated(), primary, context, created);
    reconcileOrDelete(signingKeys, secrets.signingKeysGenerated(), primary, context, created);
    reconcileOrDelete(adminToken, true, primary, context, created);
    reconcileOrDelete(sentinelPassword, secrets.sentinelPasswordGenerated(), primary, context,
        created);
    return created;
  }

  private static void reconcileOrDelete(GeneratedSecret dependent, boolean wanted,
      AuthService primary, Context<AuthService> context, List<String> created) {
    dependent.deleteFormer(primary, context);
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
