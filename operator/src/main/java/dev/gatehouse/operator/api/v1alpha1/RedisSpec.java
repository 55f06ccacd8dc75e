package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/**
 * A union with a discriminator, {@code mode}, rather than "exactly one of managed or external", so
 * that {@code managed} can have a default. Server-side apply turns an applied {@code managed: {}}
 * into null once the applier owns the defaulted fields inside it, which every migration from
 * client-side apply (kubectl, Flux, Argo CD) gives it; the API server fills a null in with the
 * default, and refuses it where there is none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode == 'External' || !has(self.external)",
    message = "redis.external is set but redis.mode is Managed (the default): set redis.mode:"
        + " External to use your Redis, or remove redis.external to let the operator run one",
    fieldPath = ".mode")
@ValidationRule(
    value = "self.mode != 'External' || has(self.external)",
    message = "redis.mode External needs redis.external: the host (or sentinel) and"
        + " passwordSecretRef of your Redis",
    fieldPath = ".mode")
// On the union rather than on ManagedRedisSpec: managed is defaulted also under mode External, and
// a switch from an external to a managed Redis creates the managed one afresh.
@ValidationRule(
    value = "self.mode != 'Managed' || oldSelf.mode != 'Managed'"
        + " || self.managed.ephemeral == oldSelf.managed.ephemeral",
    message = "redis.managed.ephemeral cannot change once the managed Redis exists: switching"
        + " would start Redis without its data. Create a new AuthService instead.",
    fieldPath = ".managed.ephemeral")
@ValidationRule(
    value = "self.mode != 'Managed' || oldSelf.mode != 'Managed'"
        + " || self.managed.storage == oldSelf.managed.storage",
    message = "redis.managed.storage cannot change once the managed Redis exists (a StatefulSet's"
        + " volume claim template is immutable). To grow the volume, expand the PersistentVolumeClaim"
        + " data-<name>-redis-0 itself, if its StorageClass allows expansion.",
    fieldPath = ".managed.storage")
@ValidationRule(
    value = "self.mode != 'Managed' || oldSelf.mode != 'Managed'"
        + " || has(self.managed.highAvailability) == has(oldSelf.managed.highAvailability)",
    message = "redis.managed.highAvailability cannot be added or removed once the managed Redis"
        + " exists: the pods, their Service and the auth pods' connection differ. Create a new"
        + " AuthService instead.",
    fieldPath = ".managed.highAvailability")
@Getter
@Setter
public class RedisSpec {

  @JsonPropertyDescription("Who runs Redis: `Managed` (default), the operator runs one for this"
      + " AuthService, set up by `managed`; `External`, you run it, and `external` says where.")
  @Default("Managed")
  private RedisMode mode = RedisMode.Managed;

  @JsonPropertyDescription("Settings of the Redis the operator runs with mode Managed: a"
      + " StatefulSet with a data volume (append-only file and snapshots), a Service, a generated"
      + " password that rotates without an outage, and a NetworkPolicy that admits only the auth"
      + " pods and the operator. All optional; not read with mode External.")
  @Default("{}")
  private ManagedRedisSpec managed = new ManagedRedisSpec();

  @JsonPropertyDescription("The Redis that you run, with mode External (and only then). Its"
      + " password is read from a Secret you own.")
  private ExternalRedisSpec external;

  @JsonPropertyDescription("The connection pool of each auth pod. The planned total"
      + " (replicas × maxConnections) is shown in status.redisPool.plannedConnections.")
  @Default("{}")
  private PoolSpec pool = new PoolSpec();

  /**
   * Whether the operator runs Redis. The API server refuses a mode that disagrees with whether
   * {@code external} is set, so either says it; {@code external} decides because an object stored
   * before {@code mode} existed reads as mode Managed (the default) even when it names your Redis,
   * and it must keep using that Redis rather than get an empty one.
   */
  public boolean operatorRunsRedis() {
    return external == null;
  }
}
