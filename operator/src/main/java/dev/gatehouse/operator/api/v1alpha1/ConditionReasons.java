package dev.gatehouse.operator.api.v1alpha1;

/**
 * The fixed reasons of the AuthService's conditions, written once for the status builder and the
 * tests. Reasons of a refused write are composed from the kind ({@code DeploymentRejected}), and
 * those of a Secret from what is wrong with it; neither is listed here.
 */
public final class ConditionReasons {

  // Ready, and Reconciling or Stalled beside it
  public static final String ALL_REPLICAS_READY = "AllReplicasReady";
  public static final String CREATING = "Creating";
  public static final String ROLLING_OUT = "RollingOut";
  public static final String REPLICAS_NOT_READY = "ReplicasNotReady";
  public static final String SPEC_UNREADABLE = "SpecUnreadable";
  public static final String RECONCILE_ERROR = "ReconcileError";

  // RedisAvailable
  public static final String MANAGED_REDIS_AVAILABLE = "ManagedRedisAvailable";
  public static final String MANAGED_REDIS_UNAVAILABLE = "ManagedRedisUnavailable";

  // RedisPersistent
  public static final String APPEND_ONLY_FILE_ON_VOLUME = "AppendOnlyFileOnVolume";
  public static final String EPHEMERAL = "Ephemeral";

  // RedisPoolHealthy
  public static final String POOL_HEALTHY = "PoolHealthy";
  public static final String POOL_DEGRADED = "PoolDegraded";
  public static final String REDIS_UNREACHABLE = "RedisUnreachable";
  public static final String PODS_NOT_REPORTING = "PodsNotReporting";
  public static final String NO_RUNNING_PODS = "NoRunningPods";

  // RedisCapacitySufficient
  public static final String WITHIN_MAX_CLIENTS = "WithinMaxClients";
  public static final String PLANNED_CONNECTIONS_NEAR_MAX_CLIENTS = "PlannedConnectionsNearMaxClients";
  public static final String PLANNED_CONNECTIONS_EXCEED_MAX_CLIENTS =
      "PlannedConnectionsExceedMaxClients";

  // RedisReplicated
  public static final String REPLICAS_IN_SYNC = "ReplicasInSync";
  public static final String NO_PRIMARY_YET = "NoPrimaryYet";
  public static final String PRIMARY_UNAVAILABLE = "PrimaryUnavailable";
  public static final String REPLICAS_OUT_OF_SYNC = "ReplicasOutOfSync";
  public static final String SENTINEL_QUORUM_UNREACHABLE = "SentinelQuorumUnreachable";
  public static final String SENTINELS_UNAWARE_OF_REPLICAS = "SentinelsUnawareOfReplicas";
  public static final String TOPOLOGY_UNKNOWN = "TopologyUnknown";

  private ConditionReasons() {}
}
