package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Name, namespace and labels of a child object: the same for every kind the operator makes. */
final class ChildMetadata {

  private ChildMetadata() {}

  static ObjectMeta of(AuthService primary, String name, Component component) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(ResourceLabels.of(primary, component))
        .build();
  }
}
