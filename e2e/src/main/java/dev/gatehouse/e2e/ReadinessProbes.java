package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The running pods' {@link ReadinessProber}s, each on the period its container declares. */
final class ReadinessProbes implements AutoCloseable {

  private final KubernetesClient client;
  /** Readiness probes wait on the network (up to their timeout); they get threads of their own. */
  private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(2, r -> {
    Thread thread = new Thread(r, "pod-runner-probe");
    thread.setDaemon(true);
    return thread;
  });
  /** By pod UID. */
  private final Map<String, ScheduledFuture<?>> probing = new ConcurrentHashMap<>();

  ReadinessProbes(KubernetesClient client) {
    this.client = client;
  }

  /** Probes the pod's process while {@code current} holds (the process is the pod's, not killed). */
  void start(RunningPod pod, Container container, BooleanSupplier current) {
    ReadinessProber prober = new ReadinessProber(client, pod.namespace(), pod.name(), pod.ip(),
        container, current);
    probing.put(pod.uid(), probes.scheduleWithFixedDelay(prober, prober.initialDelaySeconds(),
        prober.periodSeconds(), TimeUnit.SECONDS));
  }

  void stop(RunningPod pod) {
    ScheduledFuture<?> probe = probing.remove(pod.uid());
    if (probe != null) {
      probe.cancel(false);
    }
  }

  @Override
  public void close() {
    probes.shutdownNow();
  }
}
