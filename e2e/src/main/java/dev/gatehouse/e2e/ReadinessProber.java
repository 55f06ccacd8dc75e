package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import dev.gatehouse.operator.health.UnverifiedTls;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's readiness probe for one pod the runner runs: the container's own readinessProbe
 * (httpGet or tcpSocket, period, timeout and thresholds as declared) against the real process at the
 * pod's IP. kwok starts the operator's pods not Ready (hack/cluster-in-a-box/kwok-stages.yaml); this
 * writes the pod's Ready and ContainersReady conditions when the outcome changes, so a Deployment is
 * Available only once its real processes are.
 */
final class ReadinessProber implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(ReadinessProber.class);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1))
      .version(HttpClient.Version.HTTP_1_1)
      .build();
  /** The kubelet does not verify an HTTPS probe's certificate, so neither does the runner. */
  private static final HttpClient HTTPS = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1))
      .version(HttpClient.Version.HTTP_1_1)
      .sslContext(UnverifiedTls.context())
      .build();

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String ip;
  private final Container container;
  private final Probe probe;
  /** False while the runner wants the pod's last readiness kept (its process was killed on purpose). */
  private final BooleanSupplier active;
  private Boolean ready;
  private int successes;
  private int failures;

  ReadinessProber(KubernetesClient client, String namespace, String name, String ip, Container container,
                  BooleanSupplier active) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.ip = ip;
    this.container = container;
    this.probe = container.getReadinessProbe();
    this.active = active;
  }

  /** Seconds between probes: the declared period (the kubelet's default is 10). */
  long periodSeconds() {
    return probe == null ? 1 : Optional.ofNullable(probe.getPeriodSeconds()).orElse(10);
  }

  long initialDelaySeconds() {
    return probe == null ? 0 : Optional.ofNullable(probe.getInitialDelaySeconds()).orElse(0);
  }

  @Override
  public void run() {
    if (!active.getAsBoolean()) {
      return;
    }
    boolean ok = probe == null || probeOnce();
    if (ok) {
      successes++;
      failures = 0;
    } else {
      failures++;
      successes = 0;
    }
    int successThreshold = probe == null ? 1 : Optional.ofNullable(probe.getSuccessThreshold()).orElse(1);
    int failureThreshold = probe == null ? 1 : Optional.ofNullable(probe.getFailureThreshold()).orElse(3);
    // Like the kubelet: not ready until the first success; then flipped only by the thresholds.
    if (ok && successes >= successThreshold && !Boolean.TRUE.equals(ready)) {
      write(true);
    } else if (!ok && failures >= failureThreshold && Boolean.TRUE.equals(ready)) {
      write(false);
    }
  }

  private boolean probeOnce() {
    int timeoutSeconds = Optional.ofNullable(probe.getTimeoutSeconds()).orElse(1);
    try {
      if (probe.getHttpGet() != null) {
        int port = port(probe.getHttpGet().getPort());
        boolean https = "HTTPS".equals(probe.getHttpGet().getScheme());
        URI uri = URI.create((https ? "https://" : "http://") + ip + ":" + port + probe.getHttpGet().getPath());
        HttpResponse<Void> response = (https ? HTTPS : HTTP).send(HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(timeoutSeconds)).GET().build(), HttpResponse.BodyHandlers.discarding());
        return response.statusCode() >= 200 && response.statusCode() < 400;
      }
      if (probe.getTcpSocket() != null) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress(ip, port(probe.getTcpSocket().getPort())), timeoutSeconds * 1000);
          return true;
        }
      }
      throw new IllegalStateException("readiness probe of " + namespace + "/" + name
          + " is neither httpGet nor tcpSocket; the cluster in a box runs no other kind");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A null reason is kept as null: in a strategic merge patch it removes the previous reason. */
  private static Map<String, Object> conditionPatch(String type, String status, String reason, String now) {
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", type);
    condition.put("status", status);
    condition.put("reason", reason);
    condition.put("lastTransitionTime", now);
    return condition;
  }

  private int port(IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return Optional.ofNullable(container.getPorts()).orElse(List.of()).stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no container port named " + port.getStrVal()));
  }

  /**
   * Strategic merge on the status subresource. Conditions merge by type; containerStatuses has no
   * merge key (a patch replaces the list), so the current list is sent back with only {@code ready}
   * changed.
   */
  private void write(boolean nowReady) {
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    String condition = nowReady ? "True" : "False";
    String reason = nowReady ? null : "ContainersNotReady";
    try {
      Pod pod = client.pods().inNamespace(namespace).withName(name).get();
      if (pod == null || pod.getStatus() == null) {
        return;
      }
      List<ContainerStatus> statuses =
          Optional.ofNullable(pod.getStatus().getContainerStatuses()).orElse(List.of());
      statuses.stream().filter(s -> container.getName().equals(s.getName())).forEach(s -> s.setReady(nowReady));
      Map<String, Object> patchStatus = new LinkedHashMap<>();
      patchStatus.put("conditions", List.of(conditionPatch(PodReadiness.READY, condition, reason, now),
          conditionPatch("ContainersReady", condition, reason, now)));
      patchStatus.put("containerStatuses", statuses);
      String patch = Serialization.asJson(Map.of("status", patchStatus));
      client.pods().inNamespace(namespace).withName(name).subresource("status")
          .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
      ready = nowReady;
      log.info("{}/{} readiness probe: {}", namespace, name, nowReady ? "Ready" : "not Ready");
    } catch (RuntimeException e) {
      // The pod may be gone already; the next probe tries again if it is not.
      log.debug("Cannot write readiness of {}/{}: {}", namespace, name, e.toString());
    }
  }
}
