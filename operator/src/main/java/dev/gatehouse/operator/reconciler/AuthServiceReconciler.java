package dev.gatehouse.operator.reconciler;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceStatus;
import dev.gatehouse.operator.api.v1alpha1.ConditionTypes;
import dev.gatehouse.operator.dependent.AuthDeployment;
import dev.gatehouse.operator.dependent.AuthPodDisruptionBudget;
import dev.gatehouse.operator.dependent.AuthServiceService;
import dev.gatehouse.operator.dependent.GeneratedSecrets;
import dev.gatehouse.operator.dependent.ManagedRedisConfigMap;
import dev.gatehouse.operator.dependent.LegacyRedisDeployment;
import dev.gatehouse.operator.dependent.ManagedRedisEnabled;
import dev.gatehouse.operator.dependent.ManagedRedisService;
import dev.gatehouse.operator.dependent.ManagedRedisStatefulSet;
import dev.gatehouse.operator.dependent.RedisNetworkPolicy;
import dev.gatehouse.operator.dependent.ManagedRedisHighlyAvailable;
import dev.gatehouse.operator.dependent.RedisPasswordRotation;
import dev.gatehouse.operator.dependent.RedisPodDisruptionBudget;
import dev.gatehouse.operator.dependent.RedisReplication;
import dev.gatehouse.operator.dependent.SentinelConfigMap;
import dev.gatehouse.operator.dependent.SentinelNetworkPolicy;
import dev.gatehouse.operator.dependent.SentinelPodDisruptionBudget;
import dev.gatehouse.operator.dependent.SentinelService;
import dev.gatehouse.operator.dependent.SentinelStatefulSet;
import dev.gatehouse.operator.dependent.SigningKeyRotation;
import dev.gatehouse.operator.informer.ManagedFieldsDroppingStore;
import dev.gatehouse.operator.informer.ManagedRedisPods;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.secrets.ReferencedSecrets;
import dev.gatehouse.operator.secrets.SecretProblem;
import dev.gatehouse.operator.health.PoolHealth;
import dev.gatehouse.operator.health.PoolHealthObserver;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reconciles an AuthService: generated Secrets first, then (when every referenced Secret is there
 * and its content is what the pods accept) the workflow of child objects, then the status. A
 * missing or bad reference stops the workflow so that no pod is rolled onto it, and running pods
 * are left alone.
 */
// The AuthServices are cached without managedFields: nothing reads them (the status is applied
// without), and kubectl's and GitOps tools' field sets would be most of each cached object.
@ControllerConfiguration(name = AuthServiceReconciler.NAME,
    informer = @Informer(itemStore = ManagedFieldsDroppingStore.class))
@Workflow(
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "redis-config", type = ManagedRedisConfigMap.class,
          reconcilePrecondition = ManagedRedisEnabled.class),
      @Dependent(name = "redis-statefulset", type = ManagedRedisStatefulSet.class,
          reconcilePrecondition = ManagedRedisEnabled.class),
      @Dependent(name = "redis-service", type = ManagedRedisService.class,
          reconcilePrecondition = ManagedRedisEnabled.class),
      @Dependent(name = "redis-network-policy", type = RedisNetworkPolicy.class,
          reconcilePrecondition = ManagedRedisEnabled.class),
      @Dependent(name = "redis-pdb", type = RedisPodDisruptionBudget.class,
          reconcilePrecondition = ManagedRedisHighlyAvailable.class),
      @Dependent(name = "sentinel-config", type = SentinelConfigMap.class,
          reconcilePrecondition = ManagedRedisHighlyAvailable.class),
      @Dependent(name = "sentinel-statefulset", type = SentinelStatefulSet.class,
          reconcilePrecondition = ManagedRedisHighlyAvailable.class),
      @Dependent(name = "sentinel-service", type = SentinelService.class,
          reconcilePrecondition = ManagedRedisHighlyAvailable.class),
      @Dependent(name = "sentinel-network-policy", type = SentinelNetworkPolicy.class,
          reconcilePrecondition = ManagedRedisHighlyAvailable.class),
      @Dependent(name = "sentinel-pdb", type = SentinelPodDisruptionBudget.class,
          reconcilePrecondition = ManagedRedisHighlyAvailable.class),
      @Dependent(name = "auth-deployment", type = AuthDeployment.class),
      @Dependent(name = "auth-service", type = AuthServiceService.class),
      @Dependent(name = "auth-pdb", type = AuthPodDisruptionBudget.class),
    })
public class AuthServiceReconciler implements Reconciler<AuthService> {

  public static final String NAME = "authservice";

  /** While Redis could not be told of a password change: how soon to try again. */
  private static final Duration ROTATION_RETRY = Duration.ofSeconds(5);
  /** How often a settled highly available Redis is asked again for its topology. */
  private static final Duration TOPOLOGY_RECHECK = Duration.ofSeconds(30);
  /**
   * While a child is refused for a reason outside the AuthService (a ResourceQuota, an admission
   * policy), how often to try again: no event says when that is fixed, and retrying at once would
   * only repeat the refusal.
   */
  static final Duration STALLED_RECHECK = Duration.ofSeconds(30);
  /** A conflict seen this many reconciles in a row (about 15 s of backoff) is not a race. */
  static final int CONFLICT_TRIES_BEFORE_STALLED = 5;

  private final GeneratedSecrets generatedSecrets = new GeneratedSecrets();
  private final RedisPasswordRotation passwordRotation = new RedisPasswordRotation();
  private final RedisReplication replication = new RedisReplication();
  private final SigningKeyRotation keyRotation;
  private final AuthServiceStatusBuilder statusBuilder;
  private final EventRecorder events;

  private final MeterRegistry registry;

  public AuthServiceReconciler(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  AuthServiceReconciler(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.statusBuilder = new AuthServiceStatusBuilder(clock);
    this.keyRotation = new SigningKeyRotation(clock);
    this.events = new EventRecorder(clock);
  }

  @Override
  public List<EventSource<?, AuthService>> prepareEventSources(
      EventSourceContext<AuthService> context) {
    List<EventSource<?, AuthService>> sources = new ArrayList<>();
    sources.add(generatedSecrets.eventSource(context));
    sources.add(ReferencedSecrets.eventSource(context));
    sources.add(ManagedRedisPods.eventSource(context));
    sources.add(ManagedRedisPods.sentinelEventSource(context));
    sources.addAll(PoolHealthObserver.eventSources(context, registry));
    return sources;
  }

  @Override
  public UpdateControl<AuthService> reconcile(AuthService primary, Context<AuthService> context) {
    Optional<String> unreadable = primary.unreadableSpec();
    if (unreadable.isPresent()) {
      return statusUpdate(primary, context, statusBuilder.unreadableSpec(primary, unreadable.get()));
    }
    for (String created : generatedSecrets.reconcile(primary, context)) {
      events.normal(context.getClient(), primary, "SecretGenerated", "Generated Secret " + created);
    }
    if (LegacyRedisDeployment.delete(primary, context)) {
      events.normal(context.getClient(), primary, "RedisMigrated", "Deleted the managed Redis"
          + " Deployment of an earlier operator; a StatefulSet with a data volume replaces it");
    }
    // Before the workflow: Redis must accept a new password before any auth pod rolls onto it.
    RedisPasswordRotation.Outcome rotation = passwordRotation.reconcile(primary, context);
    rotation.events().forEach(message ->
        events.normal(context.getClient(), primary, "RedisPasswordRotation", message));
    // The Sentinels get the newest password only once every Redis pod accepts it.
    RedisReplication.Outcome topology = rotation.waiting()
        ? RedisReplication.Outcome.UNSETTLED : replication.reconcile(primary, context);
    topology.events().forEach(message ->
        events.normal(context.getClient(), primary, "RedisReplication", message));
    SigningKeyRotation.Outcome keys = keyRotation.reconcile(primary, context);
    keys.event().ifPresent(event ->
        events.normal(context.getClient(), primary, event.getKey(), event.getValue()));
    boolean referenceMissing = ReferencedSecrets.label(primary, context);
    List<SecretProblem> problems = PodSecrets.of(primary).problems(primary, context);
    if (problems.isEmpty()) {
      context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    }
    UpdateControl<AuthService> update = statusUpdate(primary, context,
        statusBuilder.build(primary, observe(primary, context, problems, Optional.empty())
            .withRedisTopology(topology.topology())));
    // A failover, or a paused primary, changes no Kubernetes object: a highly available Redis is
    // looked at again, sooner while it is unsettled.
    Optional<Duration> topologyRecheck = Optional.of(topology.settled() ? TOPOLOGY_RECHECK : ROTATION_RETRY)
        .filter(recheck -> ManagedRedisHighlyAvailable.isHighlyAvailable(primary));
    // The soonest of what needs looking at again.
    Optional<Duration> recheck = Stream.of(
            Optional.of(ROTATION_RETRY).filter(retry -> rotation.waiting()),
            Optional.of(ReferencedSecrets.MISSING_RETRY).filter(retry -> referenceMissing),
            topologyRecheck,
            keys.recheck())
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
    return recheck.map(update::rescheduleAfter).orElse(update);
  }

  @Override
  public ErrorStatusUpdateControl<AuthService> updateErrorStatus(AuthService primary,
      Context<AuthService> context, Exception e) {
    ReconcileFailure first = ReconcileFailure.of(e);
    // Reconciles are retried for ever (ApiRetry), so "persists" is a count of tries, not the last.
    boolean persists = context.getRetryInfo()
        .map(retry -> retry.isLastAttempt() || retry.getAttemptCount() >= CONFLICT_TRIES_BEFORE_STALLED)
        .orElse(true);
    boolean stalledBefore = Optional.ofNullable(primary.getStatus())
        .map(AuthServiceStatus::getConditions).orElse(List.of()).stream()
        .anyMatch(c -> ConditionTypes.STALLED.equals(c.getType())
            && first.reason().equals(c.getReason()));
    ReconcileFailure failure = persists || stalledBefore ? first.persisting() : first;
    AuthServiceStatus status = primary.unreadableSpec()
        .map(problem -> statusBuilder.unreadableSpec(primary, problem))
        .orElseGet(() -> statusBuilder.build(primary,
            observe(primary, context, List.of(), Optional.of(failure))));
    ErrorStatusUpdateControl<AuthService> control;
    if (status.equals(primary.getStatus())) {
      control = ErrorStatusUpdateControl.noStatusUpdate();
    } else {
      recordReadyTransition(context, primary, status);
      control = ErrorStatusUpdateControl.patchStatus(statusPatch(primary, status));
    }
    // A refusal that needs a person is not retried with backoff: the same write would be refused
    // again. The AuthService changing triggers a reconcile; the recheck covers a fix elsewhere.
    return failure.needsPerson() ? control.withNoRetry().rescheduleAfter(STALLED_RECHECK) : control;
  }

  private UpdateControl<AuthService> statusUpdate(AuthService primary, Context<AuthService> context,
      AuthServiceStatus status) {
    if (status.equals(primary.getStatus())) {
      return UpdateControl.noUpdate();
    }
    recordReadyTransition(context, primary, status);
    return UpdateControl.patchStatus(statusPatch(primary, status));
  }

  /**
   * Only what the status apply needs: no resourceVersion, so a server-side apply is never refused
   * with 409 because the AuthService changed while it was reconciled (reconciles of one resource
   * are serialized, so the newest status still wins), and no spec, which is not ours to apply.
   */
  private static AuthService statusPatch(AuthService primary, AuthServiceStatus status) {
    AuthService patch = new AuthService();
    patch.setMetadata(new ObjectMetaBuilder()
        .withName(primary.getMetadata().getName())
        .withNamespace(primary.getMetadata().getNamespace())
        .build());
    patch.setStatus(status);
    return patch;
  }

  private static ObservedState observe(AuthService primary, Context<AuthService> context,
      List<SecretProblem> problems, Optional<ReconcileFailure> failure) {
    String name = primary.getMetadata().getName();
    return new ObservedState(
        child(context, Deployment.class, AuthServiceResources.authDeploymentName(name)),
        child(context, StatefulSet.class, AuthServiceResources.redisStatefulSetName(name)),
        problems,
        context.getSecondaryResource(PoolHealth.class),
        failure,
        Optional.empty(),
        SigningKeyRotation.status(primary, context));
  }

  private static <T extends HasMetadata> Optional<T> child(Context<AuthService> context,
      Class<T> type, String name) {
    return context.getSecondaryResourcesAsStream(type)
        .filter(d -> name.equals(d.getMetadata().getName()))
        .findFirst();
  }

  /** One event per change of readiness, not one per reconcile. */
  private void recordReadyTransition(Context<AuthService> context, AuthService primary,
      AuthServiceStatus status) {
    Optional<Condition> now = readyCondition(status);
    Optional<Condition> before = Optional.ofNullable(primary.getStatus()).flatMap(this::readyCondition);
    if (now.isEmpty() || (before.isPresent()
        && Objects.equals(before.get().getStatus(), now.get().getStatus())
        && Objects.equals(before.get().getReason(), now.get().getReason()))) {
      return;
    }
    Condition ready = now.get();
    if ("True".equals(ready.getStatus())) {
      events.normal(context.getClient(), primary, ready.getReason(), ready.getMessage());
    } else {
      events.warning(context.getClient(), primary, ready.getReason(), ready.getMessage());
    }
  }

  private Optional<Condition> readyCondition(AuthServiceStatus status) {
    return Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
        .filter(c -> ConditionTypes.READY.equals(c.getType()))
        .findFirst();
  }
}
