package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** A drain takes one Sentinel at a time: the others keep the majority a failover needs. */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SENTINEL_SELECTOR,
    itemStore = SerializedStore.class))
public class SentinelPodDisruptionBudget extends ComponentDisruptionBudget {

  public SentinelPodDisruptionBudget() {
    super(AuthServiceResources::sentinelPodDisruptionBudgetName, Component.SENTINEL);
  }
}
