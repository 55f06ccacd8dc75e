package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The running pods' {@link ReadinessProber}s, each on the period its container declares. */
final class ReadinessProbes extends PodTasks {

  private final KubernetesClient client;

  ReadinessProbes(KubernetesClient client) {
    // Readiness probes wait on the network (up to their timeout); they get threads of their own.
    super("pod-runner-probe", 2);
    this.client = client;
  }

  /** Probes the pod's process while {@code current} holds (the process is the pod's, not killed). */
  void start(RunningPod pod, Container container, BooleanSupplier current) {
    ReadinessProber prober = new ReadinessProber(client, pod.namespace(), pod.name(), pod.ip(),
        container, current);
    schedule(pod, prober, Duration.ofSeconds(prober.initialDelaySeconds()),
        Duration.ofSeconds(prober.periodSeconds()));
  }
}
