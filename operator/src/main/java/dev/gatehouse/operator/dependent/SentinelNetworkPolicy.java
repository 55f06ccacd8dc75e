package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.OperatorPods;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.Optional;

/**
 * Admits to the Sentinels only the auth pods (which ask where the primary is), the other
 * Sentinels (which agree on failovers) and the operator (which tells them what to monitor). A
 * second guard, not the only one: the Sentinels also require their own password
 * ({@link SentinelPasswordSecret}), which matters where no NetworkPolicy controller enforces this.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SENTINEL_SELECTOR,
    itemStore = SerializedStore.class))
public class SentinelNetworkPolicy extends ComponentNetworkPolicy {

  public SentinelNetworkPolicy() {
    this(OperatorPods.fromEnvironment());
  }

  SentinelNetworkPolicy(Optional<OperatorPods> operator) {
    super(AuthServiceResources::sentinelNetworkPolicyName, Component.SENTINEL, operator,
        SentinelStatefulSet.SENTINEL_PORT);
  }

  @Override
  List<Component> admitted(AuthService primary) {
    return List.of(Component.AUTH, Component.SENTINEL);
  }
}
