package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.OperatorPods;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Admits to the managed Redis, on the Redis port, only this AuthService's auth pods and the
 * operator's own pods (which tell Redis of password rotations).
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SELECTOR,
    itemStore = SerializedStore.class))
public class RedisNetworkPolicy extends ChildResource<NetworkPolicy> {

  private final Optional<OperatorPods> operator;

  public RedisNetworkPolicy() {
    this(OperatorPods.fromEnvironment());
  }

  RedisNetworkPolicy(Optional<OperatorPods> operator) {
    super(NetworkPolicy.class, AuthServiceResources::redisNetworkPolicyName, Component.REDIS);
    this.operator = operator;
  }


  @Override
  protected NetworkPolicy desired(AuthService primary, Context<AuthService> context) {
    List<NetworkPolicyPeer> from = new ArrayList<>(List.of(new NetworkPolicyPeerBuilder()
        .withNewPodSelector()
        .withMatchLabels(ChildMetadata.selector(primary, Component.AUTH))
        .endPodSelector()
        .build()));
    operator.ifPresent(pods -> from.add(new NetworkPolicyPeerBuilder()
        .withNewNamespaceSelector()
        .withMatchLabels(Map.of("kubernetes.io/metadata.name", pods.namespace()))
        .endNamespaceSelector()
        .withNewPodSelector()
        .withMatchLabels(pods.labels())
        .endPodSelector()
        .build()));
    return new NetworkPolicyBuilder()
        .withMetadata(metadata(primary))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(selector(primary))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .withFrom(from)
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(ManagedRedisStatefulSet.REDIS_PORT))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }
}
