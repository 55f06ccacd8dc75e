package dev.gatehouse.operator.reconciler;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.ALL_REPLICAS_READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.APPEND_ONLY_FILE_ON_VOLUME;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.EPHEMERAL;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.NO_RUNNING_PODS;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PLANNED_CONNECTIONS_EXCEED_MAX_CLIENTS;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PLANNED_CONNECTIONS_NEAR_MAX_CLIENTS;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PODS_NOT_REPORTING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.POOL_DEGRADED;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.REDIS_UNREACHABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.REPLICAS_NOT_READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.ROLLING_OUT;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.RECONCILING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_AVAILABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_CAPACITY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_PERSISTENT;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_POOL_HEALTHY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.STALLED;
import static dev.gatehouse.operator.support.Conditions.condition;
import static dev.gatehouse.operator.support.Conditions.types;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceStatus;
import dev.gatehouse.operator.api.v1alpha1.SigningKeyStatus;
import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.secrets.SecretProblem;
import dev.gatehouse.operator.health.PoolHealth;
import dev.gatehouse.operator.health.PoolState;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AuthServiceStatusBuilderTest {

  private static final Instant T0 = Instant.parse("2026-11-26T04:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-26T05:00:00Z");

  @Test
  void readyWhenEveryAuthPodIsReady() {
    AuthService primary = AuthServices.example("minimal.yaml");
    AuthServiceStatus status = builder(T0).build(primary, observed(deployment(2, 2), List.of()));

    assertThat(condition(status, READY)).satisfies(ready -> {
      assertThat(ready.getStatus()).isEqualTo("True");
      assertThat(ready.getReason()).isEqualTo(ALL_REPLICAS_READY);
      assertThat(ready.getObservedGeneration()).isEqualTo(1L);
    });
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getSelector()).contains("app.kubernetes.io/instance=auth");
    assertThat(status.getRedisPool().getPlannedConnections()).isEqualTo(32L);
    assertThat(status.getRedisPool().getServerMaxClients()).isEqualTo(10000);
  }

  @Test
  void missingReferenceIsNotReadyWithAMessageThatSaysWhatToCreate() {
    AuthService primary = AuthServices.example("production.yaml");
    AuthServiceStatus status = builder(T0).build(primary, observed(Optional.empty(),
        List.of(new SecretProblem("SecretMissing",
            "Secret redis-credentials (spec.redis.external.passwordSecretRef) does not exist"))));

    Condition ready = condition(status, READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("SecretMissing");
    assertThat(ready.getMessage()).contains("redis-credentials", "does not exist");
    // kstatus reads Stalled=True as Failed: a person has to create the Secret.
    assertThat(condition(status, STALLED)).satisfies(stalled -> {
      assertThat(stalled.getStatus()).isEqualTo("True");
      assertThat(stalled.getReason()).isEqualTo("SecretMissing");
      assertThat(stalled.getMessage()).isEqualTo(ready.getMessage());
    });
    assertThat(status.getConditions()).extracting(Condition::getType).doesNotContain(RECONCILING);
  }

  @Test
  void exactlyOneOfReadyReconcilingAndStalledIsTrue() {
    AuthService primary = AuthServices.example("minimal.yaml");
    ReconcileFailure refused = new ReconcileFailure("DeploymentRejected", "refused", true);
    ReconcileFailure unavailable = new ReconcileFailure("DeploymentWriteFailed", "busy", false);

    AuthServiceStatus ready = builder(T0).build(primary, observed(deployment(2, 2), List.of()));
    AuthServiceStatus rolling = builder(T0).build(primary, observed(deployment(2, 1), List.of()));
    AuthServiceStatus stalled = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        Optional.empty(), List.of(), Optional.empty(), Optional.of(refused)));
    AuthServiceStatus retrying = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        Optional.empty(), List.of(), Optional.empty(), Optional.of(unavailable)));

    assertThat(types(ready)).doesNotContain(RECONCILING, STALLED);
    assertThat(condition(rolling, RECONCILING).getReason()).isEqualTo(REPLICAS_NOT_READY);
    assertThat(types(rolling)).doesNotContain(STALLED);
    assertThat(condition(stalled, STALLED).getReason()).isEqualTo("DeploymentRejected");
    assertThat(condition(stalled, READY).getReason()).isEqualTo("DeploymentRejected");
    assertThat(types(stalled)).doesNotContain(RECONCILING);
    assertThat(condition(retrying, RECONCILING).getReason()).isEqualTo("DeploymentWriteFailed");
    assertThat(types(retrying)).doesNotContain(STALLED);
  }

  @Test
  void badSecretContentSaysTheRunningPodsAreKept() {
    AuthService primary = AuthServices.example("production.yaml");
    AuthServiceStatus status = builder(T0).build(primary, observed(deployment(3, 3),
        List.of(new SecretProblem("SecretInvalid", "Secret auth-prod-clients, key clients.yaml:"
            + " client web has grant-types [implicit]"))));

    assertThat(condition(status, STALLED).getReason()).isEqualTo("SecretInvalid");
    assertThat(condition(status, READY).getMessage())
        .contains("key clients.yaml", "The running auth pods keep the configuration they have.");
  }

  @Test
  void unchangedWorldGivesAnEqualStatusSoNothingIsWritten() {
    AuthService primary = AuthServices.example("minimal.yaml");
    ObservedState world = observed(deployment(2, 2), List.of());
    primary.setStatus(builder(T0).build(primary, world));

    AuthServiceStatus later = builder(T1).build(primary, world);

    assertThat(later).isEqualTo(primary.getStatus());
    assertThat(condition(later, READY).getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusChanges() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.setStatus(builder(T0).build(primary, observed(deployment(2, 2), List.of())));

    AuthServiceStatus degraded = builder(T1).build(primary, observed(deployment(2, 1), List.of()));

    assertThat(condition(degraded, READY).getStatus()).isEqualTo("False");
    assertThat(condition(degraded, READY).getReason()).isEqualTo(REPLICAS_NOT_READY);
    assertThat(condition(degraded, READY).getMessage()).isEqualTo("1 of 2 auth pods are ready.");
    assertThat(condition(degraded, READY).getLastTransitionTime()).isEqualTo(T1.toString());
  }

  @Test
  void notReadyWhileAPodOfTheOldTemplateStillServes() {
    AuthService primary = AuthServices.example("minimal.yaml");
    // A surge roll: 3 pods, 2 of them new; 2 ready, one of which may be the old pod.
    Optional<Deployment> rolling = Optional.of(new DeploymentBuilder()
        .withNewMetadata().withName("auth").withGeneration(4L).endMetadata()
        .withNewStatus().withObservedGeneration(4L).withReplicas(3).withUpdatedReplicas(2)
        .withReadyReplicas(2).endStatus()
        .build());

    Condition ready = condition(builder(T0).build(primary, observed(rolling, List.of())), READY);

    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(ROLLING_OUT);
    assertThat(ready.getMessage()).contains("1 of an older template left");
  }

  @Test
  void poolHealthIsUnknownRatherThanGreenWhileNothingObservesIt() {
    AuthServiceStatus status = builder(T0).build(AuthServices.example("minimal.yaml"),
        observed(deployment(2, 2), List.of()));

    assertThat(condition(status, REDIS_POOL_HEALTHY).getStatus()).isEqualTo("Unknown");
    assertThat(condition(status, REDIS_POOL_HEALTHY).getReason()).isEqualTo(NO_RUNNING_PODS);
  }

  @Test
  void poolIsHealthyOnlyWhenEveryRunningPodReportsHealthy() {
    AuthService primary = AuthServices.example("minimal.yaml");

    AuthServiceStatus all = withHealth(primary, new PoolHealth(2, 2, PoolState.HEALTHY, false,
        new TreeSet<>(), null));
    AuthServiceStatus oneSilent = withHealth(primary, new PoolHealth(2, 1, PoolState.HEALTHY, false,
        new TreeSet<>(), null));

    assertThat(condition(all, REDIS_POOL_HEALTHY).getStatus()).isEqualTo("True");
    assertThat(all.getRedisPool().getReportingPods()).isEqualTo(2);
    assertThat(all.getRedisPool().getHealth()).isEqualTo("healthy");
    assertThat(condition(oneSilent, REDIS_POOL_HEALTHY).getStatus()).isEqualTo("Unknown");
    assertThat(condition(oneSilent, REDIS_POOL_HEALTHY).getReason()).isEqualTo(PODS_NOT_REPORTING);
    assertThat(condition(oneSilent, REDIS_POOL_HEALTHY).getMessage()).startsWith("1 of 2 running");
  }

  @Test
  void unreachableRedisIsFalseEvenWhenSomePodsAreSilent() {
    AuthServiceStatus status = withHealth(AuthServices.example("minimal.yaml"),
        new PoolHealth(3, 2, PoolState.UNHEALTHY, false, new TreeSet<>(List.of("ConnectFailures")), null));

    assertThat(condition(status, REDIS_POOL_HEALTHY).getStatus()).isEqualTo("False");
    assertThat(condition(status, REDIS_POOL_HEALTHY).getReason()).isEqualTo(REDIS_UNREACHABLE);
    assertThat(status.getRedisPool().getWarnings()).containsExactly("ConnectFailures");
  }

  @Test
  void degradedPoolNamesItsWarnings() {
    AuthServiceStatus status = withHealth(AuthServices.example("minimal.yaml"),
        new PoolHealth(2, 2, PoolState.DEGRADED, true,
            new TreeSet<>(List.of("HighUtilization", "AcquireTimeouts")), null));

    assertThat(condition(status, REDIS_POOL_HEALTHY).getReason()).isEqualTo(POOL_DEGRADED);
    assertThat(condition(status, REDIS_POOL_HEALTHY).getMessage())
        .contains("AcquireTimeouts, HighUtilization");
    assertThat(status.getRedisPool().getHighUtilization()).isTrue();
  }

  @Test
  void plannedConnectionsAreCheckedAgainstMaxclientsBeforeThePodsReachIt() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().getRedis().getManaged().setMaxClients(100);

    primary.getSpec().setReplicas(5);   // 80 of 100
    assertThat(condition(withHealth(primary, null), REDIS_CAPACITY).getStatus())
        .isEqualTo("True");
    primary.getSpec().setReplicas(6);   // 96 of 100
    assertThat(condition(withHealth(primary, null), REDIS_CAPACITY).getReason())
        .isEqualTo(PLANNED_CONNECTIONS_NEAR_MAX_CLIENTS);
    primary.getSpec().setReplicas(7);   // 112 of 100
    Condition exceeded = condition(withHealth(primary, null), REDIS_CAPACITY);
    assertThat(exceeded.getReason()).isEqualTo(PLANNED_CONNECTIONS_EXCEED_MAX_CLIENTS);
    assertThat(exceeded.getMessage()).contains("7 replicas × 16 connections = 112 planned",
        "maxclients is 100");
  }

  @Test
  void externalRedisCapacityUsesTheMaxclientsThePodsRead() {
    AuthService primary = AuthServices.example("production.yaml");

    assertThat(withHealth(primary, null).getConditions())
        .extracting(Condition::getType).doesNotContain(REDIS_CAPACITY);
    AuthServiceStatus status = withHealth(primary,
        new PoolHealth(3, 3, PoolState.HEALTHY, false, new TreeSet<>(), 64));
    assertThat(status.getRedisPool().getServerMaxClients()).isEqualTo(64);
    assertThat(condition(status, REDIS_CAPACITY).getReason())
        .isEqualTo(PLANNED_CONNECTIONS_EXCEED_MAX_CLIENTS);
  }

  @Test
  void managedRedisIsAvailableOnceItsStatefulSetHasAnAvailablePodAndSaysItIsPersistent() {
    AuthService primary = AuthServices.example("minimal.yaml");
    AuthServiceStatus starting = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        redis(0), List.of(), Optional.empty(), Optional.empty()));
    AuthServiceStatus running = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        redis(1), List.of(), Optional.empty(), Optional.empty()));

    assertThat(condition(starting, REDIS_AVAILABLE).getStatus()).isEqualTo("False");
    assertThat(condition(running, REDIS_AVAILABLE).getStatus()).isEqualTo("True");
    assertThat(condition(running, REDIS_PERSISTENT)).satisfies(persistent -> {
      assertThat(persistent.getStatus()).isEqualTo("True");
      assertThat(persistent.getReason()).isEqualTo(APPEND_ONLY_FILE_ON_VOLUME);
      assertThat(persistent.getMessage()).contains("data-auth-redis-0");
    });
  }

  @Test
  void anEphemeralRedisIsReportedAsNotDurableWithoutMakingTheServiceUnready() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().getRedis().getManaged().setEphemeral(true);
    AuthServiceStatus status = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        redis(1), List.of(), Optional.empty(), Optional.empty()));

    assertThat(condition(status, REDIS_PERSISTENT)).satisfies(persistent -> {
      assertThat(persistent.getStatus()).isEqualTo("False");
      assertThat(persistent.getReason()).isEqualTo(EPHEMERAL);
      assertThat(persistent.getMessage()).contains("revoked tokens are accepted again");
    });
    assertThat(condition(status, READY).getStatus()).isEqualTo("True");
  }

  @Test
  void anExternalRedisHasNoManagedRedisConditions() {
    AuthService primary = AuthServices.example("production.yaml");
    AuthServiceStatus status = builder(T0).build(primary, observed(deployment(3, 3), List.of()));

    assertThat(status.getConditions()).extracting(Condition::getType)
        .doesNotContain(REDIS_AVAILABLE, REDIS_PERSISTENT);
  }

  @Test
  void theSigningKeyIsShownAsObservedAndAbsentUntilItsSecretExists() {
    AuthService primary = AuthServices.example("minimal.yaml");
    SigningKeyStatus key = new SigningKeyStatus();
    key.setActiveKid("20260301-abcdefgh");
    key.setNextRotation("2026-03-31T00:00:00Z");
    AuthServiceStatus status = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        redis(1), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(key)));
    assertThat(status.getSigningKey()).isEqualTo(key);
    assertThat(builder(T0).build(primary, observed(deployment(2, 2), List.of())).getSigningKey()).isNull();
  }

  private static Optional<StatefulSet> redis(int available) {
    return Optional.of(new StatefulSetBuilder()
        .withNewMetadata().withName("auth-redis").endMetadata()
        .withNewStatus().withReplicas(1).withReadyReplicas(available).withAvailableReplicas(available)
        .endStatus().build());
  }

  private static AuthServiceStatus withHealth(AuthService primary, PoolHealth health) {
    return builder(T0).build(primary, new ObservedState(deployment(2, 2), Optional.empty(),
        List.of(), Optional.ofNullable(health), Optional.empty()));
  }

  private static AuthServiceStatusBuilder builder(Instant now) {
    return new AuthServiceStatusBuilder(Clock.fixed(now, ZoneOffset.UTC));
  }

  private static ObservedState observed(Optional<Deployment> auth, List<SecretProblem> problems) {
    return new ObservedState(auth, Optional.empty(), problems, Optional.empty(), Optional.empty());
  }

  private static Optional<Deployment> deployment(int replicas, int ready) {
    return Optional.of(new DeploymentBuilder()
        .withNewMetadata().withName("auth").withGeneration(3L).endMetadata()
        .withNewStatus().withObservedGeneration(3L).withReplicas(replicas)
        .withUpdatedReplicas(replicas).withReadyReplicas(ready).endStatus()
        .build());
  }
}
