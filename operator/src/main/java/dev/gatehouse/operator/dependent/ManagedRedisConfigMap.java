package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.ManagedFieldsDroppingStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * redis.conf of the managed Redis. It holds no secret: the accepted passwords arrive through the
 * {@code include} of a file mounted from {@link RedisUsersSecret}.
 */
// Matched by content, not by server-side-apply ownership (JOSDK does not apply ConfigMaps).
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SELECTOR,
    itemStore = ManagedFieldsDroppingStore.class))
public class ManagedRedisConfigMap extends ChildResource<ConfigMap> {

  public static final String CONFIG_KEY = "redis.conf";
  /** Redis's default: a primary writes for at most this long after its last replica went quiet. */
  static final int MIN_REPLICAS_MAX_LAG_SECONDS = 10;

  public ManagedRedisConfigMap() {
    super(ConfigMap.class, AuthServiceResources::redisConfigMapName, Component.REDIS);
  }


  static String redisConf(AuthService primary) {
    List<String> lines = new ArrayList<>(List.of(
        "port " + ManagedRedisStatefulSet.REDIS_PORT,
        "maxclients " + primary.getSpec().getRedis().getManaged().getMaxClients(),
        "dir " + ManagedRedisStatefulSet.DATA_DIR));
    if (primary.getSpec().getRedis().getManaged().isPersistent()) {
      lines.addAll(List.of(
          // Revocations and "disabled" marks are what keep a stolen token out: they must survive
          // a restart. Every acknowledged write reaches the AOF file before its reply is sent, so
          // a killed Redis loses nothing; everysec bounds the loss on a node or kernel crash to
          // about a second, at a fraction of the cost of an fsync per write (docs/benchmarks.md).
          "appendonly yes",
          "appendfsync everysec",
          // The rewritten AOF starts with an RDB image: a faster load after a restart.
          "aof-use-rdb-preamble yes",
          // Snapshots too, for a quick load and a backup a person can copy.
          "save 3600 1 300 100 60 10000"));
    } else {
      lines.addAll(List.of("save \"\"", "appendonly no"));
    }
    if (primary.getSpec().getRedis().getManaged().isHighlyAvailable()) {
      lines.addAll(List.of(
          // A primary that lost its replicas (paused, cut off, replaced by Sentinel behind its
          // back) refuses writes once the last replica's acknowledgement is this old: a client
          // cut off with it cannot keep writing to a primary nobody will read from again.
          "min-replicas-to-write 1",
          "min-replicas-max-lag " + MIN_REPLICAS_MAX_LAG_SECONDS,
          // A replica that is promoted must not answer with data it knows to be stale.
          "replica-serve-stale-data no",
          // The password a replica logs in to its primary with, from the same mounted Secret.
          "include " + ManagedRedisStatefulSet.AUTH_DIR + "/" + RedisUsersSecret.REPLICATION_KEY));
    }
    // The accepted passwords, as ACL rules of the default user, from a mounted Secret.
    lines.add("include " + ManagedRedisStatefulSet.AUTH_DIR + "/" + RedisUsersSecret.USERS_KEY);
    lines.add("");
    return String.join("\n", lines);
  }

  @Override
  protected ConfigMap desired(AuthService primary, Context<AuthService> context) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(primary))
        .withData(Map.of(CONFIG_KEY, redisConf(primary)))
        .build();
  }
}
