package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Node drains take at most one auth pod at a time, so logins keep working during maintenance. */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceLabels.MANAGED_SELECTOR,
    itemStore = SerializedStore.class))
public class AuthPodDisruptionBudget
    extends ChildResource<PodDisruptionBudget> {

  public AuthPodDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  public static String name(AuthService primary) {
    return primary.getMetadata().getName();
  }

  @Override
  String childName(AuthService primary) {
    return name(primary);
  }

  @Override
  protected PodDisruptionBudget desired(AuthService primary, Context<AuthService> context) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(ChildMetadata.of(primary, name(primary), Component.AUTH))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(ResourceLabels.selector(primary, Component.AUTH))
        .endSelector()
        .endSpec()
        .build();
  }
}
