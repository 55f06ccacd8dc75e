package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The ClusterIP Service in front of the auth pods, named like the AuthService. */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceLabels.MANAGED_AUTH_SELECTOR,
    itemStore = SerializedStore.class))
public class AuthServiceService extends ChildResource<Service> {

  public AuthServiceService() {
    super(Service.class);
  }

  public static String name(AuthService primary) {
    return primary.getMetadata().getName();
  }

  @Override
  String childName(AuthService primary) {
    return name(primary);
  }

  @Override
  protected Service desired(AuthService primary, Context<AuthService> context) {
    return new ServiceBuilder()
        .withMetadata(ChildMetadata.of(primary, name(primary), Component.AUTH))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(ResourceLabels.selector(primary, Component.AUTH))
        .addNewPort()
        .withName("http")
        .withProtocol("TCP")
        .withPort(AuthDeployment.HTTP_PORT)
        .withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec()
        .build();
  }
}
