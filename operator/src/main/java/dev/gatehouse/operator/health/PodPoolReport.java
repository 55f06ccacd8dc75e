package dev.gatehouse.operator.health;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;

/**
 * The part of an auth pod's {@code GET /health/redis} (docs/health-redis.md) that the operator
 * reads. Unknown fields are ignored, so the service may add to its contract without breaking us.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record PodPoolReport(String status, Pool pool, Server redis, List<Warning> warnings) {

  /**
   * The warning a pod raises above its own {@code utilization-warning-percent}: the pod decides,
   * with its configured threshold, and the operator only reads the decision.
   */
  static final String HIGH_UTILIZATION = "HighUtilization";

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Pool(
      @JsonProperty("max_connections") int maxConnections,
      @JsonProperty("in_use") int inUse,
      @JsonProperty("utilization_percent") double utilizationPercent) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Server(Integer maxclients, @JsonProperty("connected_clients") Integer connectedClients) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Warning(String code, String message) {}

  PoolState state() {
    return PoolState.fromReport(status);
  }

  List<Warning> warningList() {
    return Optional.ofNullable(warnings).orElse(List.of());
  }

  boolean warns(String code) {
    return warningList().stream().anyMatch(warning -> code.equals(warning.code()));
  }
}
