package dev.gatehouse.operator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's own settings, from environment variables (what a Deployment sets).
 *
 * @param watchNamespaces namespaces to reconcile; empty means every namespace
 * @param leaderElection whether to hold a Lease before reconciling, so replicas never both act
 * @param leaseNamespace where the Lease lives (the operator's own namespace)
 * @param healthPort port of /healthz, /readyz and /metrics
 */
public record OperatorSettings(
    Set<String> watchNamespaces, boolean leaderElection, String leaseNamespace, int healthPort) {

  static final String LEASE_NAME = "gatehouse-operator-leader";

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    Set<String> namespaces = Arrays.stream(env.getOrDefault("GATEHOUSE_WATCH_NAMESPACES", "").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
    boolean leaderElection = Boolean.parseBoolean(env.getOrDefault("GATEHOUSE_LEADER_ELECTION", "false"));
    String leaseNamespace = env.getOrDefault("GATEHOUSE_LEASE_NAMESPACE", env.get("POD_NAMESPACE"));
    if (leaderElection && (leaseNamespace == null || leaseNamespace.isBlank())) {
      throw new IllegalArgumentException("GATEHOUSE_LEADER_ELECTION=true needs GATEHOUSE_LEASE_NAMESPACE"
          + " (or POD_NAMESPACE from the downward API): the namespace of the leader Lease");
    }
    String port = env.getOrDefault("GATEHOUSE_HEALTH_PORT", "8081");
    try {
      return new OperatorSettings(namespaces, leaderElection, leaseNamespace, Integer.parseInt(port));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("GATEHOUSE_HEALTH_PORT must be a port number, not '" + port + "'");
    }
  }
}
