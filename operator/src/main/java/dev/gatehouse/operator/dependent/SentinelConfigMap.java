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
 * it what to monitor and the password, over the Sentinel protocol.
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
        // Without a password of their own the Sentinels would refuse every other host; the
        // NetworkPolicy admits only the auth pods, the other Sentinels and the operator.
        "protected-mode no",
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
