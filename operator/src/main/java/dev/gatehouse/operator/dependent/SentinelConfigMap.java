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
import java.util.List;
import java.util.Map;

/**
 * The Sentinels' starting sentinel.conf. It names no primary and holds no password: Sentinel
 * rewrites its file as it learns (its id, the other Sentinels, the replicas, failovers), so each
 * pod copies this one into a volume of its own at start, and {@link RedisReplication} then tells
 * it what to monitor and the Redis password, over the Sentinel protocol. The Sentinels' own
 * password arrives through the {@code include} of a file mounted from {@link SentinelPasswordSecret}.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SENTINEL_SELECTOR,
    itemStore = ManagedFieldsDroppingStore.class))
public class SentinelConfigMap extends ChildResource<ConfigMap> {

  public static final String CONFIG_KEY = "sentinel.conf";

  public SentinelConfigMap() {
    super(ConfigMap.class, AuthServiceResources::sentinelConfigMapName, Component.SENTINEL);
  }

  static String sentinelConf() {
    return String.join("\n", List.of(
        "port " + SentinelStatefulSet.SENTINEL_PORT,
        "dir " + SentinelStatefulSet.STATE_DIR,
        // requirepass and sentinel-pass: every client and peer logs in (an include survives
        // Sentinel's rewrites of this file).
        "include " + SentinelStatefulSet.AUTH_DIR + "/" + SentinelPasswordSecret.AUTH_CONF_KEY,
        ""));
  }

  @Override
  protected ConfigMap desired(AuthService primary, Context<AuthService> context) {
    return new ConfigMapBuilder()
        .withMetadata(metadata(primary))
        .withData(Map.of(CONFIG_KEY, sentinelConf()))
        .build();
  }
}
