package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;

/**
 * Name, namespace, labels and owner of a child object: the same for every kind the operator makes.
 * The owner reference is the AuthService, as its controller: tools that walk ownership (kubectl
 * tree, Argo CD's resource tree, another controller deciding whether it may adopt the object) see
 * who manages the child, and a foreground deletion of the AuthService waits for its children.
 * JOSDK adds no second reference: it keeps one that names the same owner.
 */
final class ChildMetadata {

  private ChildMetadata() {}

  static ObjectMeta of(AuthService primary, String name, Component component) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(primary.getMetadata().getNamespace())
        .withLabels(labels(primary, component))
        .withOwnerReferences(owner(primary))
        .build();
  }

  static Map<String, String> labels(AuthService primary, Component component) {
    return AuthServiceResources.labels(primary.getMetadata().getName(), component);
  }

  static Map<String, String> selector(AuthService primary, Component component) {
    return AuthServiceResources.selector(primary.getMetadata().getName(), component);
  }

  /**
   * blockOwnerDeletion needs update on authservices/finalizers where the API server enforces owner
   * reference permissions (the chart grants it).
   */
  private static OwnerReference owner(AuthService primary) {
    return new OwnerReferenceBuilder()
        .withApiVersion(primary.getApiVersion())
        .withKind(primary.getKind())
        .withName(primary.getMetadata().getName())
        .withUid(primary.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
