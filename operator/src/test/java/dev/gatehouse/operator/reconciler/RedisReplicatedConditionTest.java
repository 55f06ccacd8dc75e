package dev.gatehouse.operator.reconciler;

import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_CAPACITY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_REPLICATED;
import static dev.gatehouse.operator.support.Conditions.condition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceStatus;
import dev.gatehouse.operator.api.v1alpha1.ConditionReasons;
import dev.gatehouse.operator.dependent.RedisTopology;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The RedisReplicated condition of a highly available managed Redis, through the status builder. */
class RedisReplicatedConditionTest {

  private final AuthService primary = AuthServices.example("managed-ha.yaml");
  private final String name = primary.getMetadata().getName();

  @Test
  void trueWithThePrimaryItsReplicasInSyncAndAQuorum() {
    Condition replicated = replicated(Optional.of(topology(Optional.of(name + "-redis-1"), true,
        List.of(name + "-redis-0", name + "-redis-2"), List.of(), Optional.empty())));

    assertThat(replicated.getStatus()).isEqualTo("True");
    assertThat(replicated.getReason()).isEqualTo(ConditionReasons.REPLICAS_IN_SYNC);
    assertThat(replicated.getMessage()).isEqualTo("Primary " + name + "-redis-1; 2 of 2 replicas in"
        + " sync; 3 of 3 Sentinels answer.");
  }

  @Test
  void eachMissingPartIsNamedWithWhatToDo() {
    assertThat(replicated(Optional.of(topology(Optional.empty(), false, List.of(), List.of(),
        Optional.empty())))).satisfies(c -> {
          assertThat(c.getStatus()).isEqualTo("False");
          assertThat(c.getReason()).isEqualTo(ConditionReasons.NO_PRIMARY_YET);
          assertThat(c.getMessage()).contains(name + "-redis-0 the primary once it and a Sentinel are ready");
        });
    assertThat(replicated(Optional.of(topology(Optional.empty(), true, List.of(name + "-redis-1"),
        List.of(), Optional.empty())))).satisfies(c -> {
          assertThat(c.getReason()).isEqualTo(ConditionReasons.PRIMARY_UNAVAILABLE);
          assertThat(c.getMessage()).contains("a failover is due or under way",
              "kubectl logs " + name + "-sentinel-0");
        });
    assertThat(replicated(Optional.of(topology(Optional.of(name + "-redis-0"), true,
        List.of(name + "-redis-1"), List.of(name + "-redis-2"), Optional.empty())))).satisfies(c -> {
          assertThat(c.getReason()).isEqualTo(ConditionReasons.REPLICAS_OUT_OF_SYNC);
          assertThat(c.getMessage()).contains("1 of 2 replicas in sync", "Not in sync: " + name + "-redis-2");
        });
    assertThat(replicated(Optional.of(topology(Optional.of(name + "-redis-0"), true,
        List.of(name + "-redis-1", name + "-redis-2"), List.of(),
        Optional.of("NOQUORUM 1 usable Sentinels."))))).satisfies(c -> {
          assertThat(c.getReason()).isEqualTo(ConditionReasons.SENTINEL_QUORUM_UNREACHABLE);
          assertThat(c.getMessage()).contains("NOQUORUM 1 usable Sentinels.", "NetworkPolicy");
        });
    assertThat(replicated(Optional.empty())).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("Unknown");
      assertThat(c.getReason()).isEqualTo(ConditionReasons.TOPOLOGY_UNKNOWN);
    });
  }

  @Test
  void replicasInSyncAreNotEnoughWhileASentinelDoesNotListThem() {
    RedisTopology learning = new RedisTopology(Optional.of(name + "-redis-0"), true,
        List.of(name + "-redis-1", name + "-redis-2"), 2, List.of(), 3, 3, Optional.empty(), 1,
        Optional.of(10000), List.of());

    assertThat(replicated(Optional.of(learning))).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("False");
      assertThat(c.getReason()).isEqualTo(ConditionReasons.SENTINELS_UNAWARE_OF_REPLICAS);
      assertThat(c.getMessage()).contains("1 of the Sentinels", "no replica to promote");
    });
  }

  @Test
  void thePodsThatDidNotAnswerAreNamedWithWhatToDo() {
    RedisTopology sentinelPaused = new RedisTopology(Optional.of(name + "-redis-0"), true,
        List.of(name + "-redis-1", name + "-redis-2"), 2, List.of(), 2, 3, Optional.empty(), 0,
        Optional.of(10000), List.of(name + "-sentinel-1"));

    assertThat(replicated(Optional.of(sentinelPaused))).satisfies(c -> {
      assertThat(c.getStatus()).as("replication is whole, and two Sentinels can still agree")
          .isEqualTo("True");
      assertThat(c.getMessage()).isEqualTo("Primary " + name + "-redis-0; 2 of 2 replicas in sync;"
          + " 2 of 3 Sentinels answer. Did not answer the operator: " + name + "-sentinel-1. Such a"
          + " pod is paused, overloaded or cut off by the network: kubectl describe pod " + name
          + "-sentinel-1 and kubectl logs " + name + "-sentinel-1 show which; one that stays so"
          + " can be deleted, and its StatefulSet replaces it.");
    });

    RedisTopology replicaPaused = new RedisTopology(Optional.of(name + "-redis-0"), true,
        List.of(name + "-redis-1"), 2, List.of(name + "-redis-2"), 3, 3, Optional.empty(), 0,
        Optional.of(10000), List.of(name + "-redis-2"));
    assertThat(replicated(Optional.of(replicaPaused))).satisfies(c -> {
      assertThat(c.getReason()).isEqualTo(ConditionReasons.REPLICAS_OUT_OF_SYNC);
      assertThat(c.getMessage()).contains("Not in sync: " + name + "-redis-2",
          "Did not answer the operator: " + name + "-redis-2.");
    });
  }

  @Test
  void theCapacityCheckTakesTheLeastMaxClientsOfAnyRedisPod() {
    RedisTopology lowered = new RedisTopology(Optional.of(name + "-redis-0"), true,
        List.of(name + "-redis-1", name + "-redis-2"), 2, List.of(), 3, 3, Optional.empty(), 0,
        Optional.of(20), List.of());
    AuthServiceStatus status = build(primary, Optional.of(lowered));

    assertThat(status.getRedisPool().getServerMaxClients()).isEqualTo(20);
    assertThat(condition(status, REDIS_CAPACITY).getReason())
        .isEqualTo(ConditionReasons.PLANNED_CONNECTIONS_EXCEED_MAX_CLIENTS);
    assertThat(build(primary, Optional.empty()).getRedisPool().getServerMaxClients()).isEqualTo(10000);
  }

  @Test
  void aSingleRedisHasNoSuchConditionAndReadyIsTheAuthPodsAlone() {
    AuthService single = AuthServices.example("minimal.yaml");
    AuthServiceStatus status = build(single, Optional.empty());
    assertThat(status.getConditions()).extracting(Condition::getType).doesNotContain(REDIS_REPLICATED);

    AuthServiceStatus failingOver = build(primary, Optional.of(topology(Optional.empty(), true,
        List.of(), List.of(), Optional.empty())));
    assertThat(condition(failingOver, READY).getStatus()).isEqualTo("True");
  }

  private RedisTopology topology(Optional<String> primaryPod, boolean known, List<String> inSync,
      List<String> notInSync, Optional<String> quorumProblem) {
    return new RedisTopology(primaryPod, known, inSync, 2, notInSync, 3, 3, quorumProblem, 0,
        Optional.of(10000), List.of());
  }

  private Condition replicated(Optional<RedisTopology> topology) {
    return condition(build(primary, topology), REDIS_REPLICATED);
  }

  private static AuthServiceStatus build(AuthService primary, Optional<RedisTopology> topology) {
    return new AuthServiceStatusBuilder(Clock.fixed(Instant.parse("2026-12-02T02:00:00Z"), ZoneOffset.UTC))
        .build(primary, new ObservedState(Optional.of(new DeploymentBuilder()
            .withNewMetadata().withName(primary.getMetadata().getName()).withGeneration(1L).endMetadata()
            .withNewStatus().withObservedGeneration(1L).withReplicas(2).withUpdatedReplicas(2)
            .withReadyReplicas(2).endStatus().build()),
            Optional.empty(), List.of(), Optional.empty(), Optional.empty(), topology, Optional.empty()));
  }
}
