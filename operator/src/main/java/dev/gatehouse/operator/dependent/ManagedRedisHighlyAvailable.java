package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Reconcile precondition of the Sentinels and the Redis PodDisruptionBudget: a managed Redis with
 * replicas. False once the AuthService switches to an external Redis, so they are deleted then.
 */
public class ManagedRedisHighlyAvailable implements Condition<Object, AuthService> {

  public static boolean isHighlyAvailable(AuthService primary) {
    return ManagedRedisEnabled.isManaged(primary)
        && primary.getSpec().getRedis().getManaged().isHighlyAvailable();
  }

  @Override
  public boolean isMet(DependentResource<Object, AuthService> dependentResource,
      AuthService primary, Context<AuthService> context) {
    return isHighlyAvailable(primary);
  }
}
