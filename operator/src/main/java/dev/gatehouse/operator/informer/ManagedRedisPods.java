package dev.gatehouse.operator.informer;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/**
 * The managed Redis pods, from an informer: a Redis that (re)started is told the accepted
 * passwords again, since the file it read at start may be older than the last rotation.
 */
public final class ManagedRedisPods {

  public static final String EVENT_SOURCE = "managed-redis-pods";

  private ManagedRedisPods() {}

  public static InformerEventSource<Pod, AuthService> eventSource(
      EventSourceContext<AuthService> context) {
    return ComponentPods.eventSource(context, EVENT_SOURCE,
        AuthServiceResources.MANAGED_REDIS_SELECTOR);
  }

  /** Whether the pod is ready, not being deleted, and has an address. */
  public static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null
        && pod.getStatus().getPodIP() != null
        && Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of()).stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * What identifies one run of Redis: the pod and how often its container restarted. A new value
   * means a Redis that read its passwords from the file afresh.
   */
  public static String incarnation(Pod pod) {
    int restarts = Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of())
        .stream().mapToInt(s -> Optional.ofNullable(s.getRestartCount()).orElse(0)).sum();
    return pod.getMetadata().getUid() + "/" + restarts;
  }
}
