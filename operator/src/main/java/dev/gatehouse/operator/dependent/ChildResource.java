package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A child object of one {@link Component}, found by its name. JOSDK would otherwise compute
 * {@code desired()} just to learn the name, also when it deletes the child: after a switch from
 * managed to external Redis the managed-Redis children must be deletable although their
 * {@code desired()} has no managed spec to read.
 */
abstract class ChildResource<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, AuthService> {

  private final UnaryOperator<String> name;
  private final Component component;

  /**
   * @param name the child's name from the AuthService's, one of {@link AuthServiceResources}
   * @param component the part of the AuthService the child belongs to, in its labels
   */
  ChildResource(Class<R> type, UnaryOperator<String> name, Component component) {
    super(type);
    this.name = name;
    this.component = component;
  }

  final String childName(AuthService primary) {
    return name.apply(primary.getMetadata().getName());
  }

  /** Name, namespace, labels and owner of this child. */
  final ObjectMeta metadata(AuthService primary) {
    return ChildMetadata.of(primary, childName(primary), component);
  }

  /** The selector of this child's component: the pods it runs, serves or guards. */
  final Map<String, String> selector(AuthService primary) {
    return ChildMetadata.selector(primary, component);
  }

  @Override
  public R create(R desired, AuthService primary, Context<AuthService> context) {
    return CreateOrAdopt.create(() -> super.create(desired, primary, context), desired, primary,
        context);
  }

  @Override
  protected ResourceID targetSecondaryResourceID(AuthService primary, Context<AuthService> context) {
    return new ResourceID(childName(primary), primary.getMetadata().getNamespace());
  }
}
