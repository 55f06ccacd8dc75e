package dev.gatehouse.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceStatus;
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

    assertThat(condition(status, "Ready")).satisfies(ready -> {
      assertThat(ready.getStatus()).isEqualTo("True");
      assertThat(ready.getReason()).isEqualTo("AllReplicasReady");
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

    Condition ready = condition(status, "Ready");
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("SecretMissing");
    assertThat(ready.getMessage()).contains("redis-credentials", "does not exist");
    // kstatus reads Stalled=True as Failed: a person has to create the Secret.
    assertThat(condition(status, "Stalled")).satisfies(stalled -> {
      assertThat(stalled.getStatus()).isEqualTo("True");
      assertThat(stalled.getReason()).isEqualTo("SecretMissing");
      assertThat(stalled.getMessage()).isEqualTo(ready.getMessage());
    });
    assertThat(status.getConditions()).extracting(Condition::getType).doesNotContain("Reconciling");
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

    assertThat(types(ready)).doesNotContain("Reconciling", "Stalled");
    assertThat(condition(rolling, "Reconciling").getReason()).isEqualTo("ReplicasNotReady");
    assertThat(types(rolling)).doesNotContain("Stalled");
    assertThat(condition(stalled, "Stalled").getReason()).isEqualTo("DeploymentRejected");
    assertThat(condition(stalled, "Ready").getReason()).isEqualTo("DeploymentRejected");
    assertThat(types(stalled)).doesNotContain("Reconciling");
    assertThat(condition(retrying, "Reconciling").getReason()).isEqualTo("DeploymentWriteFailed");
    assertThat(types(retrying)).doesNotContain("Stalled");
  }

  @Test
  void badSecretContentSaysTheRunningPodsAreKept() {
    AuthService primary = AuthServices.example("production.yaml");
    AuthServiceStatus status = builder(T0).build(primary, observed(deployment(3, 3),
        List.of(new SecretProblem("SecretInvalid", "Secret auth-prod-clients, key clients.yaml:"
            + " client web has grant-types [implicit]"))));

    assertThat(condition(status, "Stalled").getReason()).isEqualTo("SecretInvalid");
    assertThat(condition(status, "Ready").getMessage())
        .contains("key clients.yaml", "The running auth pods keep the configuration they have.");
  }

  private static List<String> types(AuthServiceStatus status) {
    return status.getConditions().stream().map(Condition::getType).toList();
  }

  @Test
  void unchangedWorldGivesAnEqualStatusSoNothingIsWritten() {
    AuthService primary = AuthServices.example("minimal.yaml");
    ObservedState world = observed(deployment(2, 2), List.of());
    primary.setStatus(builder(T0).build(primary, world));

    AuthServiceStatus later = builder(T1).build(primary, world);

    assertThat(later).isEqualTo(primary.getStatus());
    assertThat(condition(later, "Ready").getLastTransitionTime()).isEqualTo(T0.toString());
  }

  @Test
  void lastTransitionTimeMovesOnlyWhenTheStatusChanges() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.setStatus(builder(T0).build(primary, observed(deployment(2, 2), List.of())));

    AuthServiceStatus degraded = builder(T1).build(primary, observed(deployment(2, 1), List.of()));

    assertThat(condition(degraded, "Ready").getStatus()).isEqualTo("False");
    assertThat(condition(degraded, "Ready").getReason()).isEqualTo("ReplicasNotReady");
    assertThat(condition(degraded, "Ready").getMessage()).isEqualTo("1 of 2 auth pods are ready.");
    assertThat(condition(degraded, "Ready").getLastTransitionTime()).isEqualTo(T1.toString());
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

    Condition ready = condition(builder(T0).build(primary, observed(rolling, List.of())), "Ready");

    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("RollingOut");
    assertThat(ready.getMessage()).contains("1 of an older template left");
  }

  @Test
  void poolHealthIsUnknownRatherThanGreenWhileNothingObservesIt() {
    AuthServiceStatus status = builder(T0).build(AuthServices.example("minimal.yaml"),
        observed(deployment(2, 2), List.of()));

    assertThat(condition(status, "RedisPoolHealthy").getStatus()).isEqualTo("Unknown");
    assertThat(condition(status, "RedisPoolHealthy").getReason()).isEqualTo("NoRunningPods");
  }

  @Test
  void poolIsHealthyOnlyWhenEveryRunningPodReportsHealthy() {
    AuthService primary = AuthServices.example("minimal.yaml");

    AuthServiceStatus all = withHealth(primary, new PoolHealth(2, 2, PoolState.HEALTHY, false,
        new TreeSet<>(), null));
    AuthServiceStatus oneSilent = withHealth(primary, new PoolHealth(2, 1, PoolState.HEALTHY, false,
        new TreeSet<>(), null));

    assertThat(condition(all, "RedisPoolHealthy").getStatus()).isEqualTo("True");
    assertThat(all.getRedisPool().getReportingPods()).isEqualTo(2);
    assertThat(all.getRedisPool().getHealth()).isEqualTo("healthy");
    assertThat(condition(oneSilent, "RedisPoolHealthy").getStatus()).isEqualTo("Unknown");
    assertThat(condition(oneSilent, "RedisPoolHealthy").getReason()).isEqualTo("PodsNotReporting");
    assertThat(condition(oneSilent, "RedisPoolHealthy").getMessage()).startsWith("1 of 2 running");
  }

  @Test
  void unreachableRedisIsFalseEvenWhenSomePodsAreSilent() {
    AuthServiceStatus status = withHealth(AuthServices.example("minimal.yaml"),
        new PoolHealth(3, 2, PoolState.UNHEALTHY, false, new TreeSet<>(List.of("ConnectFailures")), null));

    assertThat(condition(status, "RedisPoolHealthy").getStatus()).isEqualTo("False");
    assertThat(condition(status, "RedisPoolHealthy").getReason()).isEqualTo("RedisUnreachable");
    assertThat(status.getRedisPool().getWarnings()).containsExactly("ConnectFailures");
  }

  @Test
  void degradedPoolNamesItsWarnings() {
    AuthServiceStatus status = withHealth(AuthServices.example("minimal.yaml"),
        new PoolHealth(2, 2, PoolState.DEGRADED, true,
            new TreeSet<>(List.of("HighUtilization", "AcquireTimeouts")), null));

    assertThat(condition(status, "RedisPoolHealthy").getReason()).isEqualTo("PoolDegraded");
    assertThat(condition(status, "RedisPoolHealthy").getMessage())
        .contains("AcquireTimeouts, HighUtilization");
    assertThat(status.getRedisPool().getHighUtilization()).isTrue();
  }

  @Test
  void plannedConnectionsAreCheckedAgainstMaxclientsBeforeThePodsReachIt() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().getRedis().getManaged().setMaxClients(100);

    primary.getSpec().setReplicas(5);   // 80 of 100
    assertThat(condition(withHealth(primary, null), "RedisCapacitySufficient").getStatus())
        .isEqualTo("True");
    primary.getSpec().setReplicas(6);   // 96 of 100
    assertThat(condition(withHealth(primary, null), "RedisCapacitySufficient").getReason())
        .isEqualTo("PlannedConnectionsNearMaxClients");
    primary.getSpec().setReplicas(7);   // 112 of 100
    Condition exceeded = condition(withHealth(primary, null), "RedisCapacitySufficient");
    assertThat(exceeded.getReason()).isEqualTo("PlannedConnectionsExceedMaxClients");
    assertThat(exceeded.getMessage()).contains("7 replicas × 16 connections = 112 planned",
        "maxclients is 100");
  }

  @Test
  void externalRedisCapacityUsesTheMaxclientsThePodsRead() {
    AuthService primary = AuthServices.example("production.yaml");

    assertThat(withHealth(primary, null).getConditions())
        .extracting(Condition::getType).doesNotContain("RedisCapacitySufficient");
    AuthServiceStatus status = withHealth(primary,
        new PoolHealth(3, 3, PoolState.HEALTHY, false, new TreeSet<>(), 64));
    assertThat(status.getRedisPool().getServerMaxClients()).isEqualTo(64);
    assertThat(condition(status, "RedisCapacitySufficient").getReason())
        .isEqualTo("PlannedConnectionsExceedMaxClients");
  }

  @Test
  void managedRedisIsAvailableOnceItsStatefulSetHasAnAvailablePodAndSaysItIsPersistent() {
    AuthService primary = AuthServices.example("minimal.yaml");
    AuthServiceStatus starting = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        redis(0), List.of(), Optional.empty(), Optional.empty()));
    AuthServiceStatus running = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        redis(1), List.of(), Optional.empty(), Optional.empty()));

    assertThat(condition(starting, "RedisAvailable").getStatus()).isEqualTo("False");
    assertThat(condition(running, "RedisAvailable").getStatus()).isEqualTo("True");
    assertThat(condition(running, "RedisPersistent")).satisfies(persistent -> {
      assertThat(persistent.getStatus()).isEqualTo("True");
      assertThat(persistent.getReason()).isEqualTo("AppendOnlyFileOnVolume");
      assertThat(persistent.getMessage()).contains("data-auth-redis-0");
    });
  }

  @Test
  void anEphemeralRedisIsReportedAsNotDurableWithoutMakingTheServiceUnready() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().getRedis().getManaged().setEphemeral(true);
    AuthServiceStatus status = builder(T0).build(primary, new ObservedState(deployment(2, 2),
        redis(1), List.of(), Optional.empty(), Optional.empty()));

    assertThat(condition(status, "RedisPersistent")).satisfies(persistent -> {
      assertThat(persistent.getStatus()).isEqualTo("False");
      assertThat(persistent.getReason()).isEqualTo("Ephemeral");
      assertThat(persistent.getMessage()).contains("revoked tokens are accepted again");
    });
    assertThat(condition(status, "Ready").getStatus()).isEqualTo("True");
  }

  @Test
  void anExternalRedisHasNoManagedRedisConditions() {
    AuthService primary = AuthServices.example("production.yaml");
    AuthServiceStatus status = builder(T0).build(primary, observed(deployment(3, 3), List.of()));

    assertThat(status.getConditions()).extracting(Condition::getType)
        .doesNotContain("RedisAvailable", "RedisPersistent");
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

  private static Condition condition(AuthServiceStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElseThrow();
  }
}
