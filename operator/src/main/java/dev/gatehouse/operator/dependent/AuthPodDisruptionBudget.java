package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Node drains take at most one auth pod at a time, so logins keep working during maintenance.
 * Its informer selects every managed budget, as before the Redis and Sentinel budgets: with the
 * auth component's selector, the chart's operator never took control of a budget an earlier
 * operator owned (ChartRbacIT, twice in CI); the budget is matched by name among them.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SELECTOR,
    itemStore = SerializedStore.class))
public class AuthPodDisruptionBudget extends ComponentDisruptionBudget {

  public AuthPodDisruptionBudget() {
    super(AuthServiceResources::authPodDisruptionBudgetName, Component.AUTH);
  }
}
