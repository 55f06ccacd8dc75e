package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The address at which the auth pods ask the Sentinels where the primary is: any ready Sentinel
 * answers for all of them, and a new connection reaches another when one is down.
 */
@KubernetesDependent(informer = @Informer(
    labelSelector = AuthServiceResources.MANAGED_SENTINEL_SELECTOR, itemStore = SerializedStore.class))
public class SentinelService extends ComponentService {

  public SentinelService() {
    super(AuthServiceResources::sentinelServiceName, Component.SENTINEL, "sentinel",
        SentinelStatefulSet.SENTINEL_PORT);
  }
}
