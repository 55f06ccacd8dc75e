package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * A drain takes one Redis pod of a highly available set at a time, never the primary and its
 * replica together. Not for a single Redis: with one pod it would only stall the drain.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_REDIS_SELECTOR,
    itemStore = SerializedStore.class))
public class RedisPodDisruptionBudget extends ComponentDisruptionBudget {

  public RedisPodDisruptionBudget() {
    super(AuthServiceResources::redisPodDisruptionBudgetName, Component.REDIS);
  }
}
