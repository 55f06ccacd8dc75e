package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import lombok.Getter;
import lombok.Setter;

// A StatefulSet's claim template cannot change, and moving between a volume and none would start
// Redis empty: both are decided when the managed Redis is created (rules in RedisSpec).
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = EmbeddedTypeSchemas.Resources.class, input = "resources")
// A primary that restarts before Sentinel notices comes back as the primary: without its data it
// would be empty, and its replicas would copy the empty data set.
@ValidationRule(value = "!has(self.highAvailability) || !self.ephemeral",
    message = "redis.managed.highAvailability needs the data volume: an ephemeral primary that"
        + " restarts comes back empty and its replicas copy the empty data set. Remove ephemeral"
        + " or highAvailability.",
    fieldPath = ".ephemeral")
@Getter
@Setter
public class ManagedRedisSpec {

  public static final String DEFAULT_IMAGE = "docker.io/library/redis:7.4-alpine";

  @JsonPropertyDescription("Container image of the managed Redis.")
  @Default(DEFAULT_IMAGE)
  @Size(max = 512)
  @ValidationRule(value = AuthServiceSpec.IMAGE_RULE,
      message = "redis.managed.image " + AuthServiceSpec.IMAGE_MESSAGE)
  private String image = DEFAULT_IMAGE;

  @JsonPropertyDescription("Compute resources of the Redis container. Without it: requests cpu"
      + " 100m and memory 128Mi, limit memory 512Mi (about a million revocations, with room for"
      + " the fork of a snapshot). Given, it replaces the default as a whole; `{}` asks for none.")
  @Default(DefaultResources.REDIS)
  private ResourceRequirements resources = DefaultResources.of(DefaultResources.REDIS);

  @JsonPropertyDescription("Redis `maxclients`: the most connections the server accepts. Keep it"
      + " above the planned total of the auth pods' pools. 1 to 100000.")
  @Default("10000")
  @Min(1)
  @Max(100000)
  private Integer maxClients = 10000;

  @JsonPropertyDescription("Where Redis keeps its data. By default a PersistentVolumeClaim of 1Gi"
      + " with the append-only file on (fsync every second) and RDB snapshots, so users, refresh"
      + " tokens and revocations survive a restart of the Redis pod. Fixed at creation.")
  @Default("{}")
  private RedisStorageSpec storage = new RedisStorageSpec();

  @JsonPropertyDescription("Run Redis without a volume and without persistence: every restart of"
      + " the Redis pod loses all users, refresh tokens and revocations, and revoked tokens are"
      + " accepted again until they expire. For tests and demos only; status condition"
      + " RedisPersistent says so. Fixed at creation.")
  @Default("false")
  private Boolean ephemeral = false;

  @JsonPropertyDescription("Run a primary with replicas and Redis Sentinel instead of one Redis:"
      + " when the primary's pod or node is lost, Sentinel promotes a replica within seconds and"
      + " the auth pods follow. Absent: one Redis pod. Whether it is set is fixed at creation.")
  private HighAvailabilitySpec highAvailability;

  /** Whether Redis runs as a primary with replicas behind Sentinel. */
  @JsonIgnore
  public boolean isHighlyAvailable() {
    return highAvailability != null;
  }

  /** Whether Redis keeps its data on a volume: the default. */
  @JsonIgnore
  public boolean isPersistent() {
    return !Boolean.TRUE.equals(ephemeral);
  }
}
