package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Admits to the managed Redis only this AuthService's auth pods, on the Redis port. */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceLabels.MANAGED_SELECTOR))
public class RedisNetworkPolicy extends ChildResource<NetworkPolicy> {

  public RedisNetworkPolicy() {
    super(NetworkPolicy.class);
  }

  public static String name(AuthService primary) {
    return primary.getMetadata().getName() + "-redis";
  }

  @Override
  String childName(AuthService primary) {
    return name(primary);
  }

  @Override
  protected NetworkPolicy desired(AuthService primary, Context<AuthService> context) {
    return new NetworkPolicyBuilder()
        .withMetadata(ChildMetadata.of(primary, name(primary), Component.REDIS))
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(ResourceLabels.selector(primary, Component.REDIS))
        .endPodSelector()
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .addNewFrom()
        .withNewPodSelector()
        .withMatchLabels(ResourceLabels.selector(primary, Component.AUTH))
        .endPodSelector()
        .endFrom()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(ManagedRedisDeployment.REDIS_PORT))
        .endPort()
        .endIngress()
        .endSpec()
        .build();
  }
}
