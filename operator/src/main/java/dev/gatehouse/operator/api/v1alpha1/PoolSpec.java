package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
// The message names the default: a user who left maxConnections out never wrote the 16 that minIdle
// was compared with. Not a messageExpression with the values: the API server estimates its cost (int
// to string, concatenation) far above the CRD's budget and refuses the CRD. fieldPath makes the error
// name minIdle, the field to change.
@ValidationRule(
    value = "self.minIdle <= self.maxConnections",
    message = "redis.pool.minIdle must not exceed redis.pool.maxConnections (default 16)",
    fieldPath = ".minIdle")
public class PoolSpec {

  /**
   * A single-unit duration that both Kubernetes users and Spring Boot read the same way. At most six
   * digits: CEL's duration() (JwtSpec's rule) fails on more than 2562047h, and the API server then
   * reports a type conversion error on spec.jwt instead of the field that is wrong.
   */
  static final String DURATION = "^[0-9]{1,6}(ms|s|m|h)$";

  @JsonPropertyDescription("Most Redis connections one auth pod opens. The planned total is"
      + " replicas × maxConnections; keep it below the Redis server's maxclients.")
  @Default("16")
  @Min(1)
  @Max(1000)
  private Integer maxConnections = 16;

  @JsonPropertyDescription("Connections each pod keeps open while idle, so a burst does not pay"
      + " for new connections.")
  @Default("2")
  @Min(0)
  private Integer minIdle = 2;

  @JsonPropertyDescription("How long a request waits for a free connection before it fails with"
      + " 503, e.g. `500ms` or `2s`.")
  @Default("2s")
  @Pattern(DURATION)
  private String acquireTimeout = "2s";

  @JsonPropertyDescription("Most requests that may wait for a connection at once; beyond it a"
      + " request fails at once with 503 instead of queueing.")
  @Default("1000")
  @Min(0)
  @Max(100000)
  private Integer maxPendingAcquires = 1000;

  @JsonPropertyDescription("How often each pod PINGs Redis and records the latency, e.g. `30s`.")
  @Default("30s")
  @Pattern(DURATION)
  private String healthCheckInterval = "30s";

  public Integer getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(Integer maxConnections) {
    this.maxConnections = maxConnections;
  }

  public Integer getMinIdle() {
    return minIdle;
  }

  public void setMinIdle(Integer minIdle) {
    this.minIdle = minIdle;
  }

  public String getAcquireTimeout() {
    return acquireTimeout;
  }

  public void setAcquireTimeout(String acquireTimeout) {
    this.acquireTimeout = acquireTimeout;
  }

  public Integer getMaxPendingAcquires() {
    return maxPendingAcquires;
  }

  public void setMaxPendingAcquires(Integer maxPendingAcquires) {
    this.maxPendingAcquires = maxPendingAcquires;
  }

  public String getHealthCheckInterval() {
    return healthCheckInterval;
  }

  public void setHealthCheckInterval(String healthCheckInterval) {
    this.healthCheckInterval = healthCheckInterval;
  }
}
