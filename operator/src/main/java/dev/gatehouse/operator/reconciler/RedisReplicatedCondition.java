package dev.gatehouse.operator.reconciler;

import dev.gatehouse.operator.api.v1alpha1.ConditionReasons;
import dev.gatehouse.operator.dependent.RedisTopology;
import java.util.Optional;

/**
 * The RedisReplicated condition of a highly available managed Redis, from what its pods and
 * Sentinels said this reconcile: each reason names what is missing and what a person can do.
 */
record RedisReplicatedCondition(String status, String reason, String message) {

  static RedisReplicatedCondition of(Optional<RedisTopology> observed, String authService) {
    if (observed.isEmpty()) {
      return new RedisReplicatedCondition("Unknown", ConditionReasons.TOPOLOGY_UNKNOWN,
          "The operator has not asked the Redis pods and Sentinels yet (none ready, or a password"
              + " change is under way).");
    }
    RedisTopology topology = observed.get();
    RedisReplicatedCondition judged = judge(topology, authService);
    if (topology.unanswered().isEmpty()) {
      return judged;
    }
    String first = topology.unanswered().get(0);
    return new RedisReplicatedCondition(judged.status(), judged.reason(), judged.message()
        + " Did not answer the operator: " + String.join(", ", topology.unanswered())
        + ". Such a pod is paused, overloaded or cut off by the network: kubectl describe pod "
        + first + " and kubectl logs " + first + " show which; one that stays so can be deleted,"
        + " and its StatefulSet replaces it.");
  }

  private static RedisReplicatedCondition judge(RedisTopology topology, String authService) {
    String sentinels = topology.sentinelsReady() + " of " + topology.sentinelsWanted()
        + " Sentinels answer";
    if (!topology.sentinelsKnowPrimary()) {
      return new RedisReplicatedCondition("False", ConditionReasons.NO_PRIMARY_YET,
          "No Sentinel monitors a primary yet (" + sentinels + "): the operator makes "
              + authService + "-redis-0 the primary once it and a Sentinel are ready"
              + " and every ready Sentinel answers.");
    }
    if (topology.primaryPod().isEmpty()) {
      return new RedisReplicatedCondition("False", ConditionReasons.PRIMARY_UNAVAILABLE,
          "The primary the Sentinels name is no Redis pod that answers as the primary: a failover"
              + " is due or under way (" + sentinels + "). If it lasts beyond a minute, see the Sentinels' logs"
              + " (kubectl logs " + authService + "-sentinel-0).");
    }
    String primary = "Primary " + topology.primaryPod().get() + "; "
        + topology.replicasInSync().size() + " of " + topology.replicasWanted()
        + " replicas in sync; " + sentinels + ".";
    if (topology.quorumProblem().isPresent()) {
      return new RedisReplicatedCondition("False", ConditionReasons.SENTINEL_QUORUM_UNREACHABLE,
          primary + " The Sentinels could not agree on a failover now: "
              + topology.quorumProblem().get() + ". Check that the Sentinel pods run and that"
              + " the NetworkPolicy lets them reach each other.");
    }
    if (topology.replicasInSync().size() < topology.replicasWanted()) {
      return new RedisReplicatedCondition("False", ConditionReasons.REPLICAS_OUT_OF_SYNC,
          primary + " Not in sync: " + (topology.notInSync().isEmpty() ? "pods not ready"
              : String.join(", ", topology.notInSync()))
              + ". A replica that starts copies the primary first; one that stays behind shows"
              + " why in its log.");
    }
    if (topology.sentinelsUnawareOfReplicas() > 0) {
      return new RedisReplicatedCondition("False", ConditionReasons.SENTINELS_UNAWARE_OF_REPLICAS,
          primary + " " + topology.sentinelsUnawareOfReplicas() + " of the Sentinels do not list"
              + " every replica yet: they learn them from the primary within 10 s, and a failover"
              + " one of them led before that would find no replica to promote.");
    }
    return new RedisReplicatedCondition("True", ConditionReasons.REPLICAS_IN_SYNC, primary);
  }
}
