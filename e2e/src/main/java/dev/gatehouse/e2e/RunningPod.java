package dev.gatehouse.e2e;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import java.nio.file.Path;

/**
 * A pod's process as the {@link PodRunner} started it; {@code graceSeconds} is its time from the
 * start of termination to SIGKILL, {@code preStopSleepSeconds} its container's preStop sleep (0:
 * none).
 */
public record RunningPod(String namespace, String name, String uid, String ip, String component,
                         Process process, PodVolumes volumes, Path log, long graceSeconds,
                         long preStopSleepSeconds) {

  /** http://IP:8080 for an auth pod. */
  public String baseUrl() {
    return "http://" + ip + ":" + AuthServiceResources.AUTH_HTTP_PORT;
  }
}
