package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * redis.conf of the managed Redis. It holds no secret: the password arrives through the
 * {@code include} of a file mounted from {@link RedisPasswordSecret}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceLabels.MANAGED_SELECTOR))
public class ManagedRedisConfigMap extends ChildResource<ConfigMap> {

  public static final String CONFIG_KEY = "redis.conf";

  public ManagedRedisConfigMap() {
    super(ConfigMap.class);
  }

  public static String name(AuthService primary) {
    return primary.getMetadata().getName() + "-redis-config";
  }

  @Override
  String childName(AuthService primary) {
    return name(primary);
  }

  static String redisConf(AuthService primary) {
    return String.join("\n",
        "port " + ManagedRedisDeployment.REDIS_PORT,
        "maxclients " + primary.getSpec().getRedis().getManaged().getMaxClients(),
        // Revocations and refresh tokens are short-lived state with TTLs; no disk writes keeps the
        // root filesystem read-only. Losing them on a Redis restart logs users out, nothing worse.
        "save \"\"",
        "appendonly no",
        "dir /data",
        "include " + ManagedRedisDeployment.AUTH_DIR + "/" + RedisPasswordSecret.REDIS_CONF_KEY,
        "");
  }

  @Override
  protected ConfigMap desired(AuthService primary, Context<AuthService> context) {
    return new ConfigMapBuilder()
        .withMetadata(ChildMetadata.of(primary, name(primary), Component.REDIS))
        .withData(Map.of(CONFIG_KEY, redisConf(primary)))
        .build();
  }
}
