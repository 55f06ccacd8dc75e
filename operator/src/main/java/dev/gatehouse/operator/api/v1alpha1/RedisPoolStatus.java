package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import lombok.Getter;
import lombok.Setter;

/**
 * The connection budget and the pool health the auth pods report. Only states and bands live here:
 * live figures (connections in use, utilization) change every second and are Prometheus metrics.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class RedisPoolStatus extends SerializedValue {

  @JsonPropertyDescription("Pool maximum of each auth pod.")
  private Integer maxConnectionsPerPod;

  @JsonPropertyDescription("replicas × maxConnectionsPerPod: the most connections the auth tier"
      + " may open to Redis.")
  private Long plannedConnections;

  @JsonPropertyDescription("The Redis server's maxclients: from the spec for a managed Redis, as"
      + " the pods read it for an external one (behind Sentinel, the primary's; the least one when"
      + " pods read different values, as during a failover).")
  private Integer serverMaxClients;

  @JsonPropertyDescription("Running auth pods, ready or not, each asked for its pool health.")
  private Integer runningPods;

  @JsonPropertyDescription("Running auth pods that answered; the others count as unknown, never as"
      + " healthy.")
  private Integer reportingPods;

  @JsonPropertyDescription("The worst pool state reported: healthy, degraded or unhealthy; unknown"
      + " when no pod reported.")
  private String health;

  @JsonPropertyDescription("Some pod reports the HighUtilization warning: its pool is above that"
      + " pod's warning threshold (gatehouse.redis.pool.utilization-warning-percent, 80 % by"
      + " default).")
  private Boolean highUtilization;

  @JsonPropertyDescription("Distinct warning codes the pods report, e.g. HighUtilization,"
      + " AcquireTimeouts, Reconnects.")
  private List<String> warnings;
}
