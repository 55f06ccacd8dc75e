package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Node drains take at most one auth pod at a time, so logins keep working during maintenance. */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SELECTOR,
    itemStore = SerializedStore.class))
public class AuthPodDisruptionBudget extends ChildResource<PodDisruptionBudget> {

  public AuthPodDisruptionBudget() {
    super(PodDisruptionBudget.class, AuthServiceResources::authPodDisruptionBudgetName,
        Component.AUTH);
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
