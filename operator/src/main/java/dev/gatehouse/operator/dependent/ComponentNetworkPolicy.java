package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.OperatorPods;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Admits to one component's pods, on its one port, only the pods of this AuthService's components
 * that must talk to it, and the operator's own pods (which send Redis and the Sentinels their
 * few administrative commands): the Redis and the Sentinel policies differ in these only.
 */
abstract class ComponentNetworkPolicy extends ChildResource<NetworkPolicy> {

  private final Optional<OperatorPods> operator;
  private final int port;

  ComponentNetworkPolicy(UnaryOperator<String> name, Component component,
      Optional<OperatorPods> operator, int port) {
    super(NetworkPolicy.class, name, component);
    this.operator = operator;
    this.port = port;
  }

  /** The components of this AuthService whose pods may connect. */
  abstract List<Component> admitted(AuthService primary);

  @Override
  protected NetworkPolicy desired(AuthService primary, Context<AuthService> context) {
    List<NetworkPolicyPeer> from = new ArrayList<>();
    admitted(primary).forEach(component -> from.add(new NetworkPolicyPeerBuilder()
        .withNewPodSelector()
        .withMatchLabels(ChildMetadata.selector(primary, component))
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
        .withPort(new IntOrString(port))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }
}
