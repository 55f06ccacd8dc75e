package dev.gatehouse.operator.api.v1alpha1;

/**
 * The types of the conditions an AuthService's status holds, written once: the status builder
 * writes them, the CRD's printer columns and the tests read them. Constants, so that annotations
 * (the printer columns' jsonPaths) can use them.
 */
public final class ConditionTypes {

  /** True when every auth pod runs the current template and is ready. */
  public static final String READY = "Ready";
  /** kstatus's Failed: set, with Ready's reason, only while the AuthService needs a person. */
  public static final String STALLED = "Stalled";
  /** kstatus's InProgress: set, with Ready's reason, while the operator or the pods are at work. */
  public static final String RECONCILING = "Reconciling";
  /** Whether the managed Redis pod is available; only with a managed Redis. */
  public static final String REDIS_AVAILABLE = "RedisAvailable";
  /** What the auth pods report of their Redis pools, Unknown when one does not answer. */
  public static final String REDIS_POOL_HEALTHY = "RedisPoolHealthy";
  /** Whether the planned connections fit Redis's maxclients; only when maxclients is known. */
  public static final String REDIS_CAPACITY = "RedisCapacitySufficient";
  /** Whether the managed Redis keeps its data across a restart; only with a managed Redis. */
  public static final String REDIS_PERSISTENT = "RedisPersistent";

  /**
   * Whether a highly available managed Redis has a primary, its replicas in sync and Sentinels
   * that can agree on a failover; only with redis.managed.highAvailability.
   */
  public static final String REDIS_REPLICATED = "RedisReplicated";

  private ConditionTypes() {}
}
