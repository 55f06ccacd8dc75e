package dev.gatehouse.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's update of a running pod's Secret and ConfigMap volumes: every {@link #PERIOD} each
 * running pod's volumes are compared with their sources and a changed one is swapped in
 * ({@link PodVolumes#refresh}). The kubelet takes up to a minute or two; the box takes seconds, so
 * that a test of a renewal (a certificate, a signing key) does not wait that long.
 */
final class VolumeSync implements AutoCloseable {

  static final Duration PERIOD = Duration.ofSeconds(3);
  private static final Logger log = LoggerFactory.getLogger(VolumeSync.class);

  private final KubernetesClient client;
  private final ScheduledExecutorService syncs = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "pod-runner-volume-sync");
    thread.setDaemon(true);
    return thread;
  });
  /** By pod UID. */
  private final Map<String, ScheduledFuture<?>> syncing = new ConcurrentHashMap<>();

  VolumeSync(KubernetesClient client) {
    this.client = client;
  }

  void start(RunningPod pod) {
    syncing.put(pod.uid(), syncs.scheduleWithFixedDelay(() -> {
      try {
        pod.volumes().refresh(client);
      } catch (RuntimeException e) {
        // A pod stopping under the sync, or the API server busy: the next round tries again.
        log.debug("volume sync of {}/{}: {}", pod.namespace(), pod.name(), e.toString());
      }
    }, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS));
  }

  void stop(RunningPod pod) {
    ScheduledFuture<?> sync = syncing.remove(pod.uid());
    if (sync != null) {
      sync.cancel(false);
    }
  }

  @Override
  public void close() {
    syncs.shutdownNow();
  }
}
