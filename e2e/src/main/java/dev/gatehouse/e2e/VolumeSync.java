package dev.gatehouse.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's update of a running pod's Secret and ConfigMap volumes: every {@link #PERIOD} each
 * running pod's volumes are compared with their sources and a changed one is swapped in
 * ({@link PodVolumes#refresh}). The kubelet takes up to a minute or two; the box takes seconds, so
 * that a test of a renewal (a certificate, a signing key) does not wait that long.
 */
final class VolumeSync extends PodTasks {

  static final Duration PERIOD = Duration.ofSeconds(3);
  private static final Logger log = LoggerFactory.getLogger(VolumeSync.class);

  private final KubernetesClient client;

  VolumeSync(KubernetesClient client) {
    super("pod-runner-volume-sync", 1);
    this.client = client;
  }

  void start(RunningPod pod) {
    schedule(pod, () -> {
      try {
        pod.volumes().refresh(client);
      } catch (RuntimeException e) {
        // A pod stopping under the sync, or the API server busy: the next round tries again.
        log.debug("volume sync of {}/{}: {}", pod.namespace(), pod.name(), e.toString());
      }
    }, PERIOD, PERIOD);
  }
}
