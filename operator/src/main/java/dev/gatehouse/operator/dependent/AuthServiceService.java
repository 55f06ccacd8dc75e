package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The ClusterIP Service in front of the auth pods, named like the AuthService. */
@KubernetesDependent(informer = @Informer(
    labelSelector = AuthServiceResources.MANAGED_AUTH_SELECTOR, itemStore = SerializedStore.class))
public class AuthServiceService extends ComponentService {

  public AuthServiceService() {
    super(AuthServiceResources::authServiceName, Component.AUTH, "http",
        AuthServiceResources.AUTH_HTTP_PORT);
  }
}
