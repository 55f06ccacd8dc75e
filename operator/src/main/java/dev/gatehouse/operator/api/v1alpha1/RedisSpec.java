package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.managed) != has(self.external)",
    message = "set exactly one of redis.managed (the operator runs Redis) or redis.external"
        + " (you bring a Redis)")
public class RedisSpec {

  @JsonPropertyDescription("Let the operator run a Redis for this AuthService: a StatefulSet"
      + " with a data volume (append-only file and snapshots), a Service, a generated password that"
      + " rotates without an outage, and a NetworkPolicy that admits only the auth pods and the"
      + " operator.")
  private ManagedRedisSpec managed;

  @JsonPropertyDescription("Use a Redis that you run. Its password is read from a Secret you own.")
  private ExternalRedisSpec external;

  @JsonPropertyDescription("The connection pool of each auth pod. The planned total"
      + " (replicas × maxConnections) is shown in status.redisPool.plannedConnections.")
  @Default("{}")
  private PoolSpec pool = new PoolSpec();

  public ManagedRedisSpec getManaged() {
    return managed;
  }

  public void setManaged(ManagedRedisSpec managed) {
    this.managed = managed;
  }

  public ExternalRedisSpec getExternal() {
    return external;
  }

  public void setExternal(ExternalRedisSpec external) {
    this.external = external;
  }

  public PoolSpec getPool() {
    return pool;
  }

  public void setPool(PoolSpec pool) {
    this.pool = pool;
  }
}
