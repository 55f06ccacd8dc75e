package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;

/**
 * A Pod's Ready condition, which {@link ReadinessProber} writes as a kubelet would and the
 * {@link ServiceProxies} and the tests read.
 */
public final class PodReadiness {

  /** The type of the Pod condition a kubelet sets once every container passes its readiness probe. */
  public static final String READY = "Ready";

  private PodReadiness() {}

  /** The Pod's Ready condition is True. */
  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of()).stream()
        .anyMatch(c -> READY.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
