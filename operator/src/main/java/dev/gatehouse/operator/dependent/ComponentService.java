package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.function.UnaryOperator;

/**
 * A ClusterIP Service in front of one component's pods, on one named TCP port: the auth Service
 * and the managed Redis's are the same object apart from these.
 */
abstract class ComponentService extends ChildResource<Service> {

  private final String portName;
  private final int port;

  /** @param portName the pods' container port of that name is the target */
  ComponentService(UnaryOperator<String> name, Component component, String portName, int port) {
    super(Service.class, name, component);
    this.portName = portName;
    this.port = port;
  }

  @Override
  protected Service desired(AuthService primary, Context<AuthService> context) {
    return new ServiceBuilder()
        .withMetadata(metadata(primary))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector(primary))
        .addNewPort()
        .withName(portName)
        .withProtocol("TCP")
        .withPort(port)
        .withTargetPort(new IntOrString(portName))
        .endPort()
        .endSpec()
        .build();
  }
}
