package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The address of the managed Redis that the auth pods connect to. */
@KubernetesDependent(informer = @Informer(
    labelSelector = AuthServiceResources.MANAGED_REDIS_SELECTOR, itemStore = SerializedStore.class))
public class ManagedRedisService extends ComponentService {

  public ManagedRedisService() {
    super(AuthServiceResources::redisServiceName, Component.REDIS, "redis",
        ManagedRedisStatefulSet.REDIS_PORT);
  }
}
