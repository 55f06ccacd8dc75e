package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Reconcile precondition of the managed-Redis objects. When a user switches to an external Redis
 * it turns false, and the workflow deletes the managed Redis rather than leaving it running.
 */
public class ManagedRedisEnabled implements Condition<Object, AuthService> {

  public static boolean isManaged(AuthService primary) {
    return primary.getSpec().getRedis().operatorRunsRedis();
  }

  @Override
  public boolean isMet(DependentResource<Object, AuthService> dependentResource,
      AuthService primary, Context<AuthService> context) {
    return isManaged(primary);
  }
}
