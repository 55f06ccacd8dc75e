package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The connection budget: what the spec plans, set against what Redis accepts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RedisPoolStatus {

  @JsonPropertyDescription("Pool maximum of each auth pod.")
  private Integer maxConnectionsPerPod;

  @JsonPropertyDescription("replicas × maxConnectionsPerPod: the most connections the auth tier"
      + " may open to Redis.")
  private Integer plannedConnections;

  @JsonPropertyDescription("The Redis server's maxclients, where the operator knows it (managed"
      + " Redis).")
  private Integer serverMaxClients;

  public RedisPoolStatus() {}

  public RedisPoolStatus(Integer maxConnectionsPerPod, Integer plannedConnections,
      Integer serverMaxClients) {
    this.maxConnectionsPerPod = maxConnectionsPerPod;
    this.plannedConnections = plannedConnections;
    this.serverMaxClients = serverMaxClients;
  }

  public Integer getMaxConnectionsPerPod() {
    return maxConnectionsPerPod;
  }

  public void setMaxConnectionsPerPod(Integer maxConnectionsPerPod) {
    this.maxConnectionsPerPod = maxConnectionsPerPod;
  }

  public Integer getPlannedConnections() {
    return plannedConnections;
  }

  public void setPlannedConnections(Integer plannedConnections) {
    this.plannedConnections = plannedConnections;
  }

  public Integer getServerMaxClients() {
    return serverMaxClients;
  }

  public void setServerMaxClients(Integer serverMaxClients) {
    this.serverMaxClients = serverMaxClients;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RedisPoolStatus that
        && Objects.equals(maxConnectionsPerPod, that.maxConnectionsPerPod)
        && Objects.equals(plannedConnections, that.plannedConnections)
        && Objects.equals(serverMaxClients, that.serverMaxClients);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxConnectionsPerPod, plannedConnections, serverMaxClients);
  }
}
