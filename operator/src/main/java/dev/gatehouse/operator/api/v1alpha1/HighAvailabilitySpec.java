package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/**
 * A managed Redis primary with replicas, watched by Redis Sentinel, which promotes a replica when
 * the primary is lost; the auth pods ask the Sentinels where the primary is. The operator only
 * bootstraps the set (the first primary, the replicas of pods that Sentinel does not know yet) and
 * never contradicts a primary that a Sentinel knows.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.sentinels % 2 == 1",
    message = "redis.managed.highAvailability.sentinels must be odd (3, 5 or 7): an even number"
        + " adds a Sentinel that can be lost without adding one to the majority a failover needs",
    fieldPath = ".sentinels")
@ValidationRule(value = "!has(self.quorum) || self.quorum <= self.sentinels",
    message = "redis.managed.highAvailability.quorum is more than sentinels: no failover could"
        + " ever be agreed. Give at most the number of Sentinels, or leave it out for a majority",
    fieldPath = ".quorum")
@ValidationRule(value = "self.replicaAcks < self.replicas",
    message = "redis.managed.highAvailability.replicaAcks must be less than replicas: the primary"
        + " has replicas - 1 replicas to acknowledge a write, so every revocation would time out",
    fieldPath = ".replicaAcks")
// Sentinels remember every Sentinel they ever met: one that is removed still counts towards the
// majority that authorizes a failover, so their number is decided once.
@ValidationRule(value = "self.sentinels == oldSelf.sentinels",
    message = "redis.managed.highAvailability.sentinels cannot change once the Sentinels run:"
        + " Sentinels keep counting a removed one in the majority a failover needs. Create a new"
        + " AuthService to change it.",
    fieldPath = ".sentinels")
@Getter
@Setter
public class HighAvailabilitySpec {

  @JsonPropertyDescription("Redis pods in all: one primary and replicas - 1 replicas, spread over"
      + " the nodes, each with its own volume. 2 to 9. Scaling down removes the pods with the"
      + " highest ordinals, and a failover follows if one of them is the primary.")
  @Default("3")
  @Min(2)
  @Max(9)
  private Integer replicas = 3;

  @JsonPropertyDescription("Redis Sentinels that watch the primary and promote a replica when it"
      + " is lost: an odd number, 3 to 7, spread over the nodes. Fixed at creation.")
  @Default("3")
  @Min(3)
  @Max(7)
  private Integer sentinels = 3;

  @JsonPropertyDescription("How many Sentinels must find the primary unreachable before a"
      + " failover starts (the failover itself always needs a majority of them). Without it, a"
      + " majority of sentinels.")
  @Min(1)
  @Max(7)
  private Integer quorum;

  @JsonPropertyDescription("Replicas that must hold a revocation, disable or log-out-everywhere"
      + " before it is acknowledged to the client (Redis WAIT), so a failover cannot lose it. 0 to"
      + " replicas - 1; default 1.")
  @Default("1")
  @Min(0)
  @Max(8)
  private Integer replicaAcks = 1;

  /** The quorum given, or a majority of the Sentinels; it depends on sentinels, so no schema default. */
  @JsonIgnore
  public int quorumOrMajority() {
    return quorum != null ? quorum : sentinels / 2 + 1;
  }
}
