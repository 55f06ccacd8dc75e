package dev.gatehouse.operator.health;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.informer.ComponentPods;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/**
 * The auth pods of every AuthService, from an informer: the observer asks the running ones for pool
 * health.
 */
final class AuthPods {

  static final String EVENT_SOURCE = "auth-pods";

  private AuthPods() {}

  static InformerEventSource<Pod, AuthService> eventSource(EventSourceContext<AuthService> context) {
    return ComponentPods.eventSource(context, EVENT_SOURCE, AuthServiceResources.MANAGED_AUTH_SELECTOR);
  }

  /** The container port named http of the auth container: where /health/redis answers. */
  static int httpPort(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> AuthServiceResources.AUTH_CONTAINER.equals(c.getName()))
        .flatMap(c -> Optional.ofNullable(c.getPorts()).orElse(List.of()).stream())
        .filter(p -> "http".equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(AuthServiceResources.AUTH_HTTP_PORT);
  }

  /**
   * Whether the pod serves HTTPS, read from the pod itself (its readiness probe's scheme): during a
   * roll that turns TLS on or off, old and new pods differ.
   */
  static boolean servesHttps(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> AuthServiceResources.AUTH_CONTAINER.equals(c.getName()))
        .map(Container::getReadinessProbe)
        .filter(probe -> probe != null && probe.getHttpGet() != null)
        .anyMatch(probe -> "HTTPS".equals(probe.getHttpGet().getScheme()));
  }

  /**
   * Running, not being deleted, and with an address to ask; ready or not. A pod turns unready when
   * it cannot reach Redis, and that is exactly when its report says why.
   */
  static boolean isRunning(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getPodIP() != null;
  }
}
