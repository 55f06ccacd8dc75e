package dev.gatehouse.operator.informer;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.Set;

/**
 * The pods of one component of every AuthService, from an informer. Pods are owned by ReplicaSets
 * and StatefulSets, not by the AuthService, so they map back to it by the instance label the
 * operator puts on each pod template.
 */
public final class ComponentPods {

  private ComponentPods() {}

  /** @param selector {@link AuthServiceResources#MANAGED_AUTH_SELECTOR} or its Redis twin */
  public static InformerEventSource<Pod, AuthService> eventSource(
      EventSourceContext<AuthService> context, String name, String selector) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Pod.class, AuthService.class)
            .withName(name)
            .withLabelSelector(selector)
            .withSecondaryToPrimaryMapper(ComponentPods::instanceOf)
            .withItemStore(new ManagedFieldsDroppingStore<>())
            .build(),
        context);
  }

  /** The AuthService a pod belongs to, by its instance label; none without the label. */
  static Set<ResourceID> instanceOf(HasMetadata object) {
    return Optional.ofNullable(object.getMetadata().getLabels())
        .map(labels -> labels.get(AuthServiceResources.INSTANCE_LABEL))
        .map(name -> Set.of(new ResourceID(name, object.getMetadata().getNamespace())))
        .orElse(Set.of());
  }
}
