package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.function.UnaryOperator;

/**
 * Node drains take at most one of a component's pods at a time: the auth pods keep serving, the
 * Redis pods keep a primary and a replica, the Sentinels keep their majority.
 */
abstract class ComponentDisruptionBudget extends ChildResource<PodDisruptionBudget> {

  ComponentDisruptionBudget(UnaryOperator<String> name, Component component) {
    super(PodDisruptionBudget.class, name, component);
  }

  @Override
  protected PodDisruptionBudget desired(AuthService primary, Context<AuthService> context) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(metadata(primary))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(selector(primary))
        .endSelector()
        .endSpec()
        .build();
  }
}
