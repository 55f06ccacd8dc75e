package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * A child object found by its name. JOSDK would otherwise compute {@code desired()} just to learn
 * the name, also when it deletes the child: after a switch from managed to external Redis the
 * managed-Redis children must be deletable although their {@code desired()} has no managed spec
 * to read.
 */
abstract class ChildResource<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, AuthService> {

  ChildResource(Class<R> type) {
    super(type);
  }

  /** The child's name; each subclass also offers it as a static {@code name(primary)}. */
  abstract String childName(AuthService primary);

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
