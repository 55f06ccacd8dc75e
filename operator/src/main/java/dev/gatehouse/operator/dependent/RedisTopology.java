package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the pods of a highly available managed Redis said in one reconcile, for its status
 * condition: which pod is the primary, which replicas are in sync with it, whether the Sentinels
 * can agree on a failover.
 *
 * @param primaryPod the pod the Sentinels name as primary; empty when they name none, or an
 *     address that no running Redis pod has (the primary is gone and a failover is due)
 * @param sentinelsKnowPrimary whether any Sentinel monitors a primary yet
 * @param replicasInSync the pods replicating from the primary with their link up, by name
 * @param replicasWanted replicas - 1
 * @param notInSync the other Redis pods, by name
 * @param sentinelsReady Sentinels that answered
 * @param sentinelsWanted the Sentinels asked for
 * @param quorumProblem what a Sentinel said when asked whether a failover could be agreed
 *     ({@code SENTINEL CKQUORUM}), if it could not
 * @param sentinelsUnawareOfReplicas Sentinels monitoring the primary that list fewer replicas than
 *     are in sync: Sentinel learns replicas from the primary's INFO (every 10 s), so one that
 *     missed them, elected to lead a failover now, would find no replica to promote
 * @param leastMaxClients the least {@code maxclients} of the Redis pods that answered: any of them
 *     may become the primary, which every auth pod's pool connects to
 * @param unanswered the ready Redis pods and Sentinels that did not answer the operator (no
 *     connection, or no whole reply within its timeout), by name
 */
public record RedisTopology(
    Optional<String> primaryPod,
    boolean sentinelsKnowPrimary,
    List<String> replicasInSync,
    int replicasWanted,
    List<String> notInSync,
    int sentinelsReady,
    int sentinelsWanted,
    Optional<String> quorumProblem,
    int sentinelsUnawareOfReplicas,
    Optional<Integer> leastMaxClients,
    List<String> unanswered) {

  static RedisTopology of(HighAvailabilitySpec ha, String primaryIp, boolean sentinelsKnowPrimary,
      List<Pod> redisPods, Map<Pod, RedisReplication.Replication> replication,
      Map<Pod, RedisReplication.SentinelView> views, Optional<Integer> leastMaxClients,
      List<String> unanswered) {
    Optional<String> primaryPod = redisPods.stream()
        .filter(pod -> primaryIp.equals(pod.getStatus().getPodIP()))
        .filter(pod -> Optional.ofNullable(replication.get(pod))
            .map(RedisReplication.Replication::isPrimary).orElse(false))
        .map(pod -> pod.getMetadata().getName())
        .findFirst();
    List<String> inSync = redisPods.stream()
        .filter(pod -> Optional.ofNullable(replication.get(pod))
            .map(r -> !r.isPrimary() && r.linkUp() && primaryIp.equals(r.masterHost()))
            .orElse(false))
        .map(pod -> pod.getMetadata().getName())
        .toList();
    List<String> others = redisPods.stream().map(pod -> pod.getMetadata().getName())
        .filter(name -> !inSync.contains(name) && !primaryPod.map(name::equals).orElse(false))
        .toList();
    Optional<String> quorumProblem = views.values().stream()
        .filter(view -> view.primaryIp().isPresent())
        .map(RedisReplication.SentinelView::quorumProblem)
        .flatMap(Optional::stream)
        .findFirst();
    int unaware = (int) views.values().stream()
        .filter(view -> view.primaryIp().map(primaryIp::equals).orElse(false))
        .filter(view -> view.replicas() < inSync.size())
        .count();
    return new RedisTopology(sentinelsKnowPrimary ? primaryPod : Optional.empty(),
        sentinelsKnowPrimary, inSync, ha.getReplicas() - 1, others, views.size(),
        ha.getSentinels(), quorumProblem, unaware, leastMaxClients, unanswered);
  }
}
