package dev.gatehouse.operator.reconciler;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.ALL_REPLICAS_READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.APPEND_ONLY_FILE_ON_VOLUME;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.CREATING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.EPHEMERAL;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.MANAGED_REDIS_AVAILABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.MANAGED_REDIS_UNAVAILABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.NO_RUNNING_PODS;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PLANNED_CONNECTIONS_EXCEED_MAX_CLIENTS;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PLANNED_CONNECTIONS_NEAR_MAX_CLIENTS;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PODS_NOT_REPORTING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.POOL_DEGRADED;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.POOL_HEALTHY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.REDIS_UNREACHABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.REPLICAS_NOT_READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.ROLLING_OUT;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.SPEC_UNREADABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.WITHIN_MAX_CLIENTS;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.RECONCILING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_AVAILABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_CAPACITY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_PERSISTENT;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_POOL_HEALTHY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.STALLED;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceStatus;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.ConditionTypes;
import dev.gatehouse.operator.api.v1alpha1.PoolSpec;
import dev.gatehouse.operator.api.v1alpha1.RedisPoolStatus;
import dev.gatehouse.operator.dependent.ManagedRedisEnabled;
import dev.gatehouse.operator.dependent.ManagedRedisHighlyAvailable;
import dev.gatehouse.operator.dependent.RedisTopology;
import dev.gatehouse.operator.health.PoolHealth;
import dev.gatehouse.operator.health.PoolState;
import dev.gatehouse.operator.secrets.SecretProblem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the whole status in one place. Conditions follow the Kubernetes API conventions: a
 * CamelCase reason, a message a person can act on, the generation they describe, and a
 * lastTransitionTime that moves only when the condition's status changes, so that an unchanged
 * world gives an equal status and no write.
 *
 * <p>Longer than 300 lines because every condition is built here beside the ones it reads (Ready
 * reads the rollout, the Redis and the pool conditions): the whole status is one pure function.
 */
class AuthServiceStatusBuilder {

  /** Warn before the planned connections reach maxclients, not when they already do. */
  static final double CAPACITY_WARNING_RATIO = 0.9;

  private static final int MAX_MESSAGE = 1024;

  private final Clock clock;

  AuthServiceStatusBuilder(Clock clock) {
    this.clock = clock;
  }

  AuthServiceStatus build(AuthService primary, ObservedState observed) {
    long generation = Optional.ofNullable(primary.getMetadata().getGeneration()).orElse(0L);
    List<Condition> previous = Optional.ofNullable(primary.getStatus())
        .map(AuthServiceStatus::getConditions).orElse(List.of());
    Optional<DeploymentStatus> auth = observed.authDeployment().map(Deployment::getStatus);
    int desired = Optional.ofNullable(primary.getSpec().getReplicas()).orElse(0);
    int ready = auth.map(DeploymentStatus::getReadyReplicas).orElse(0);

    AuthServiceStatus status = new AuthServiceStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(auth.map(DeploymentStatus::getReplicas).orElse(0));
    status.setReadyReplicas(ready);
    status.setSelector(AuthServiceResources.selectorString(primary.getMetadata().getName(), Component.AUTH));
    RedisPoolStatus redisPool = redisPool(primary, desired, observed.poolHealth(),
        observed.redisTopology().flatMap(RedisTopology::leastMaxClients));
    status.setRedisPool(redisPool);
    status.setSigningKey(observed.signingKey().orElse(null));

    List<Condition> conditions = new ArrayList<>();
    ReadyState readyState = ready(observed, desired, ready);
    conditions.add(condition(READY, readyState.ready() ? "True" : "False", readyState.reason(),
        readyState.message(), generation, previous));
    // Abnormal-true, as kstatus reads them: present only while true, so exactly one of Ready,
    // Reconciling and Stalled is True at a time.
    if (!readyState.ready()) {
      conditions.add(condition(readyState.stalled() ? STALLED : RECONCILING, "True",
          readyState.reason(), readyState.message(), generation, previous));
    }
    if (ManagedRedisEnabled.isManaged(primary)) {
      conditions.add(redisAvailable(observed, generation, previous));
      conditions.add(redisPersistent(primary, generation, previous));
    }
    if (ManagedRedisHighlyAvailable.isHighlyAvailable(primary)) {
      RedisReplicatedCondition replicated =
          RedisReplicatedCondition.of(observed.redisTopology(), primary.getMetadata().getName());
      conditions.add(condition(ConditionTypes.REDIS_REPLICATED, replicated.status(),
          replicated.reason(), replicated.message(), generation, previous));
    }
    conditions.add(poolHealthy(observed.poolHealth(), generation, previous));
    capacity(redisPool, desired, generation, previous).ifPresent(conditions::add);
    status.setConditions(conditions);
    return status;
  }

  /**
   * For an AuthService whose spec the operator cannot read: Ready and Stalled, naming the field (a
   * person must correct it). Nothing else can be judged, and the children are left as they are.
   */
  AuthServiceStatus unreadableSpec(AuthService primary, String problem) {
    long generation = Optional.ofNullable(primary.getMetadata().getGeneration()).orElse(0L);
    List<Condition> previous = Optional.ofNullable(primary.getStatus())
        .map(AuthServiceStatus::getConditions).orElse(List.of());
    String message = "The operator cannot read this AuthService: " + problem + ". The CRD now"
        + " refuses such a value; correct the field (kubectl edit or apply) and the operator takes"
        + " it up.";
    AuthServiceStatus status = new AuthServiceStatus();
    status.setObservedGeneration(generation);
    status.setConditions(new ArrayList<>(List.of(
        condition(READY, "False", SPEC_UNREADABLE, message, generation, previous),
        condition(STALLED, "True", SPEC_UNREADABLE, message, generation, previous))));
    return status;
  }

  /** What Ready says, and whether a person has to act before it can become True. */
  private record ReadyState(boolean ready, boolean stalled, String reason, String message) {

    static ReadyState progressing(String reason, String message) {
      return new ReadyState(false, false, reason, message);
    }
  }

  private static ReadyState ready(ObservedState observed, int desired, int ready) {
    if (observed.failure().isPresent()) {
      ReconcileFailure failure = observed.failure().get();
      return new ReadyState(false, failure.needsPerson(), failure.reason(), failure.message());
    }
    if (!observed.secretProblems().isEmpty()) {
      String keeps = observed.authDeployment().isPresent()
          ? " The running auth pods keep the configuration they have." : "";
      return new ReadyState(false, true, observed.secretProblems().get(0).reason(),
          String.join("; ", observed.secretProblems().stream().map(SecretProblem::message).toList())
              + ". Fix the Secret or the reference; the operator checks again when the Secret"
              + " changes." + keeps);
    }
    if (observed.authDeployment().isEmpty()) {
      return ReadyState.progressing(CREATING, "The auth Deployment is being created.");
    }
    Deployment deployment = observed.authDeployment().get();
    DeploymentStatus status = Optional.ofNullable(deployment.getStatus()).orElseGet(DeploymentStatus::new);
    int updated = Optional.ofNullable(status.getUpdatedReplicas()).orElse(0);
    int existing = Optional.ofNullable(status.getReplicas()).orElse(0);
    // kstatus's rule for a Deployment: the controller saw this template, every pod runs it, and no
    // pod of an older template is left. readyReplicas alone counts old pods during a surge roll.
    boolean rolledOut = Objects.equals(status.getObservedGeneration(),
        deployment.getMetadata().getGeneration())
        && updated >= desired
        && existing == updated;
    if (!rolledOut) {
      return ReadyState.progressing(ROLLING_OUT,
          String.format("Rolling out: %d of %d auth pods updated, %d of an older template left.",
              updated, desired, Math.max(0, existing - updated)));
    }
    if (ready < desired) {
      return ReadyState.progressing(REPLICAS_NOT_READY,
          String.format("%d of %d auth pods are ready.", ready, desired));
    }
    return new ReadyState(true, false, ALL_REPLICAS_READY,
        String.format("%d of %d auth pods are ready.", ready, desired));
  }

  private Condition redisAvailable(ObservedState observed, long generation, List<Condition> previous) {
    int available = observed.redisStatefulSet().map(StatefulSet::getStatus)
        .map(StatefulSetStatus::getAvailableReplicas).orElse(0);
    return available > 0
        ? condition(REDIS_AVAILABLE, "True", MANAGED_REDIS_AVAILABLE,
            "The managed Redis pod is available.", generation, previous)
        : condition(REDIS_AVAILABLE, "False", MANAGED_REDIS_UNAVAILABLE,
            "The managed Redis pod is not available yet.", generation, previous);
  }

  /**
   * Says whether what users depend on survives a restart of the Redis pod. Not part of Ready: an
   * ephemeral Redis works, it only forgets.
   */
  private Condition redisPersistent(AuthService primary, long generation, List<Condition> previous) {
    return primary.getSpec().getRedis().getManaged().isPersistent()
        ? condition(REDIS_PERSISTENT, "True", APPEND_ONLY_FILE_ON_VOLUME,
            "Redis keeps its data on the PersistentVolumeClaim "
                + AuthServiceResources.redisDataClaimName(primary.getMetadata().getName())
                + " with the append-only file fsynced every second.", generation, previous)
        : condition(REDIS_PERSISTENT, "False", EPHEMERAL,
            "spec.redis.managed.ephemeral is true: a restart of the Redis pod loses every user,"
                + " refresh token and revocation, and revoked tokens are accepted again until they"
                + " expire.", generation, previous);
  }

  /** @param leastMaxClients of a highly available Redis, the least any of its pods accepts */
  private static RedisPoolStatus redisPool(AuthService primary, int replicas,
      Optional<PoolHealth> health, Optional<Integer> leastMaxClients) {
    int perPod = Optional.ofNullable(primary.getSpec().getRedis().getPool())
        .map(PoolSpec::getMaxConnections).orElse(new PoolSpec().getMaxConnections());
    RedisPoolStatus pool = new RedisPoolStatus();
    pool.setMaxConnectionsPerPod(perPod);
    // In 64 bits: the CRD bounds both factors, but a product that wrapped would read as spare capacity.
    pool.setPlannedConnections((long) perPod * replicas);
    pool.setServerMaxClients(ManagedRedisEnabled.isManaged(primary)
        ? leastMaxClients.filter(least -> least < primary.getSpec().getRedis().getManaged().getMaxClients())
            .orElse(primary.getSpec().getRedis().getManaged().getMaxClients())
        : health.map(PoolHealth::serverMaxClients).orElse(null));
    health.ifPresent(h -> {
      pool.setRunningPods(h.runningPods());
      pool.setReportingPods(h.reportingPods());
      pool.setHealth(h.worst() == null ? "unknown" : h.worst().label());
      pool.setHighUtilization(h.highUtilization());
      pool.setWarnings(h.warningCodes().isEmpty() ? null : List.copyOf(h.warningCodes()));
    });
    return pool;
  }

  /**
   * True only when every running pod answered and all say healthy: a pod that did not answer makes
   * the condition Unknown, never a stale True.
   */
  private Condition poolHealthy(Optional<PoolHealth> observed, long generation,
      List<Condition> previous) {
    if (observed.isEmpty() || observed.get().runningPods() == 0) {
      return condition(REDIS_POOL_HEALTHY, "Unknown", NO_RUNNING_PODS,
          "No auth pod is running to report its Redis pool.", generation, previous);
    }
    PoolHealth health = observed.get();
    String counts = health.reportingPods() + " of " + health.runningPods() + " running auth pods";
    if (health.worst() == PoolState.UNHEALTHY) {
      return condition(REDIS_POOL_HEALTHY, "False", REDIS_UNREACHABLE,
          "Some of the " + counts + " that answered cannot reach Redis.", generation, previous);
    }
    if (health.reportingPods() < health.runningPods()) {
      return condition(REDIS_POOL_HEALTHY, "Unknown", PODS_NOT_REPORTING,
          counts + " answered /health/redis; the others did not, so their pools are unknown.",
          generation, previous);
    }
    if (health.worst() == PoolState.DEGRADED) {
      return condition(REDIS_POOL_HEALTHY, "False", POOL_DEGRADED,
          counts + " report a degraded pool: " + String.join(", ", health.warningCodes()) + ".",
          generation, previous);
    }
    return condition(REDIS_POOL_HEALTHY, "True", POOL_HEALTHY,
        counts + " report a healthy Redis pool.", generation, previous);
  }

  /** Set only when Redis's maxclients is known: from the spec, or as the pods read it. */
  private Optional<Condition> capacity(RedisPoolStatus pool, int replicas, long generation,
      List<Condition> previous) {
    Integer maxClients = pool.getServerMaxClients();
    if (maxClients == null) {
      return Optional.empty();
    }
    String plan = String.format("%d replicas × %d connections = %d planned; Redis maxclients is %d",
        replicas, pool.getMaxConnectionsPerPod(), pool.getPlannedConnections(), maxClients);
    if (pool.getPlannedConnections() > maxClients) {
      return Optional.of(condition(REDIS_CAPACITY, "False", PLANNED_CONNECTIONS_EXCEED_MAX_CLIENTS,
          plan + ". Lower spec.redis.pool.maxConnections or replicas, or raise maxclients.",
          generation, previous));
    }
    if (pool.getPlannedConnections() > maxClients * CAPACITY_WARNING_RATIO) {
      return Optional.of(condition(REDIS_CAPACITY, "False", PLANNED_CONNECTIONS_NEAR_MAX_CLIENTS,
          plan + ", leaving under 10 % for other clients and reconnects.", generation, previous));
    }
    return Optional.of(condition(REDIS_CAPACITY, "True", WITHIN_MAX_CLIENTS, plan + ".",
        generation, previous));
  }

  private Condition condition(String type, String status, String reason, String message,
      long generation, List<Condition> previous) {
    String lastTransition = previous.stream()
        .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .findFirst()
        .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(lastTransition)
        .build();
  }
}
