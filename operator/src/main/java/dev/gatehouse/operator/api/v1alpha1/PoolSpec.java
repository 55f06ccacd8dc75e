package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

@JsonInclude(JsonInclude.Include.NON_NULL)
// The message names the default: a user who left maxConnections out never wrote the 16 that minIdle
// was compared with. Not a messageExpression with the values: the API server estimates its cost (int
// to string, concatenation) far above the CRD's budget and refuses the CRD. fieldPath makes the error
// name minIdle, the field to change.
@ValidationRule(
    value = "self.minIdle <= self.maxConnections",
    message = "redis.pool.minIdle must not exceed redis.pool.maxConnections (default 16)",
    fieldPath = ".minIdle")
@Getter
@Setter
public class PoolSpec {

  /**
   * A single-unit duration that both Kubernetes users and Spring Boot read the same way. At most six
   * digits: CEL's duration() (JwtSpec's rule) fails on more than 2562047h, and the API server then
   * reports a type conversion error on spec.jwt instead of the field that is wrong.
   */
  static final String DURATION = "^[0-9]{1,6}(ms|s|m|h)$";

  /**
   * The start of a CEL rule on a duration field: duration() runs only on values the pattern
   * accepts, since on anything else it would fail the rules of the whole object, not this field.
   */
  static final String IF_DURATION = "!self.matches('" + DURATION + "') || ";

  /** Also the operator's fallback poll period, for a spec it cannot read (PollInterval). */
  public static final String DEFAULT_HEALTH_CHECK_INTERVAL = "30s";

  @JsonPropertyDescription("Most Redis connections one auth pod opens. The planned total is"
      + " replicas × maxConnections; keep it below the Redis server's maxclients. 1 to 1000.")
  @Default("16")
  @Min(1)
  @Max(1000)
  private Integer maxConnections = 16;

  @JsonPropertyDescription("Connections each pod keeps open while idle, so a burst does not pay"
      + " for new connections; 0 to maxConnections.")
  @Default("2")
  @Min(0)
  @Max(1000)
  private Integer minIdle = 2;

  @JsonPropertyDescription("How long a request waits for a free connection before it fails with"
      + " 503, e.g. `500ms` or `2s`; 1ms to 60s. With 0 every request that finds the pool busy"
      + " fails at once; beyond a minute the client and any proxy in front have given up long"
      + " before the wait ends.")
  @Default("2s")
  @Pattern(DURATION)
  @ValidationRule(value = IF_DURATION + "(duration(self) > duration('0s')"
      + " && duration(self) <= duration('60s'))",
      message = "redis.pool.acquireTimeout must be more than 0 and at most 60s, e.g. 2s")
  private String acquireTimeout = "2s";

  @JsonPropertyDescription("Most requests that may wait for a connection at once; beyond it a"
      + " request fails at once with 503 instead of queueing. 0 to 100000.")
  @Default("1000")
  @Min(0)
  @Max(100000)
  private Integer maxPendingAcquires = 1000;

  @JsonPropertyDescription("How often each pod PINGs Redis and records the latency, and how often"
      + " the operator asks the pods for their pool health, e.g. `30s`; 1s to 1h. Faster loads"
      + " Redis and the pods for nothing; slower leaves a failed Redis unnoticed for too long.")
  @Default(DEFAULT_HEALTH_CHECK_INTERVAL)
  @Pattern(DURATION)
  @ValidationRule(value = IF_DURATION + "(duration(self) >= duration('1s')"
      + " && duration(self) <= duration('1h'))",
      message = "redis.pool.healthCheckInterval must be between 1s and 1h, e.g. 30s")
  private String healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
}
