package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisTopologyTest {

  private final Pod primary = pod("auth-redis-0", "10.0.0.10");
  private final Pod replicaOne = pod("auth-redis-1", "10.0.0.11");
  private final Pod replicaTwo = pod("auth-redis-2", "10.0.0.12");
  private final Map<Pod, RedisReplication.Replication> replication = Map.of(
      primary, new RedisReplication.Replication("master", null, false, 2),
      replicaOne, new RedisReplication.Replication("slave", "10.0.0.10", true, 0),
      replicaTwo, new RedisReplication.Replication("slave", "10.0.0.10", true, 0));

  /** A Sentinel that saw the primary's INFO before the replicas attached lists none of them. */
  @Test
  void countsTheSentinelsThatDoNotListEveryReplicaInSync() {
    Map<Pod, RedisReplication.SentinelView> views = new LinkedHashMap<>();
    views.put(pod("auth-sentinel-0", "10.0.1.10"), view("10.0.0.10", 2));
    views.put(pod("auth-sentinel-1", "10.0.1.11"), view("10.0.0.10", 0));
    views.put(pod("auth-sentinel-2", "10.0.1.12"), view("10.0.0.10", 1));

    RedisTopology topology = RedisTopology.of(new HighAvailabilitySpec(), "10.0.0.10", true,
        List.of(primary, replicaOne, replicaTwo), replication, views, Optional.of(10000), List.of());

    assertThat(topology.replicasInSync()).containsExactly("auth-redis-1", "auth-redis-2");
    assertThat(topology.sentinelsUnawareOfReplicas()).isEqualTo(2);

    views.replaceAll((sentinel, view) -> view("10.0.0.10", 2));
    assertThat(RedisTopology.of(new HighAvailabilitySpec(), "10.0.0.10", true,
        List.of(primary, replicaOne, replicaTwo), replication, views, Optional.of(10000), List.of())
        .sentinelsUnawareOfReplicas()).isZero();
  }

  private static RedisReplication.SentinelView view(String primaryIp, int replicas) {
    return new RedisReplication.SentinelView(Optional.of(primaryIp), "master", replicas, 2,
        Optional.empty());
  }

  private static Pod pod(String name, String ip) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().withPodIP(ip).endStatus().build();
  }
}
