package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The address of the managed Redis that the auth pods connect to. */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceLabels.MANAGED_REDIS_SELECTOR,
    itemStore = SerializedStore.class))
public class ManagedRedisService extends ChildResource<Service> {

  public ManagedRedisService() {
    super(Service.class);
  }

  public static String name(AuthService primary) {
    return primary.getMetadata().getName() + "-redis";
  }

  @Override
  String childName(AuthService primary) {
    return name(primary);
  }

  @Override
  protected Service desired(AuthService primary, Context<AuthService> context) {
    return new ServiceBuilder()
        .withMetadata(ChildMetadata.of(primary, name(primary), Component.REDIS))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(ResourceLabels.selector(primary, Component.REDIS))
        .addNewPort()
        .withName("redis")
        .withProtocol("TCP")
        .withPort(ManagedRedisStatefulSet.REDIS_PORT)
        .withTargetPort(new IntOrString("redis"))
        .endPort()
        .endSpec()
        .build();
  }
}
