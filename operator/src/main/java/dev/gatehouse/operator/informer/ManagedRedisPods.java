package dev.gatehouse.operator.informer;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The managed Redis pods, and the Sentinels' pods, from informers: a Redis that (re)started is
 * told the accepted passwords again, since the file it read at start may be older than the last
 * rotation, and a Redis or Sentinel pod that appears is enrolled in the highly available set.
 */
public final class ManagedRedisPods {

  public static final String EVENT_SOURCE = "managed-redis-pods";
  public static final String SENTINEL_EVENT_SOURCE = "managed-sentinel-pods";

  private ManagedRedisPods() {}

  public static InformerEventSource<Pod, AuthService> eventSource(
      EventSourceContext<AuthService> context) {
    return ComponentPods.eventSource(context, EVENT_SOURCE,
        AuthServiceResources.MANAGED_REDIS_SELECTOR);
  }

  public static InformerEventSource<Pod, AuthService> sentinelEventSource(
      EventSourceContext<AuthService> context) {
    return ComponentPods.eventSource(context, SENTINEL_EVENT_SOURCE,
        AuthServiceResources.MANAGED_SENTINEL_SELECTOR);
  }

  /** The ready pods of one component of this AuthService, by ordinal. */
  public static List<Pod> ready(AuthService primary, Context<AuthService> context,
      Component component) {
    Map<String, String> selector =
        AuthServiceResources.selector(primary.getMetadata().getName(), component);
    return context.getSecondaryResourcesAsStream(Pod.class)
        .filter(pod -> primary.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()))
        .filter(pod -> pod.getMetadata().getLabels() != null
            && pod.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .filter(ManagedRedisPods::isReady)
        .sorted(Comparator.comparingInt(ManagedRedisPods::ordinal))
        .toList();
  }

  /** A StatefulSet pod's ordinal, the number its name ends with; -1 for another name. */
  public static int ordinal(Pod pod) {
    String name = pod.getMetadata().getName();
    try {
      return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
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
