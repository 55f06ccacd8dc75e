package dev.gatehouse.operator.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An object's status as kstatus computes it (sigs.k8s.io/cli-utils, what Flux's health checks and
 * kpt wait with), and its health as Argo CD computes it with the check users install from
 * examples/gitops/argocd/authservice-health-patch.yaml: the real library and Argo CD's Lua interpreter,
 * run as the probe of src/test/go/kstatus that the build makes with hack/go-probe.sh.
 */
final class Kstatus {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Kstatus() {}

  /**
   * @param status kstatus: {@code Current}, {@code InProgress}, {@code Failed}...
   * @param message kstatus's message
   * @param argocd Argo CD's health: {@code Healthy}, {@code Progressing}, {@code Degraded}...
   */
  record Result(String status, String message, String argocd) {}

  static Result of(HasMetadata object) {
    Path binary = Path.of(System.getProperty("gatehouse.kstatus.binary", "target/kstatus/kstatus"));
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException("no kstatus probe at " + binary + ": build it with"
          + " hack/go-probe.sh operator/src/test/go/kstatus " + binary + " (./mvnw verify does)");
    }
    try {
      Path argocdHealth = Path.of(System.getProperty("gatehouse.examples.dir"),
          "gitops/argocd/authservice-health-patch.yaml");
      Process process = new ProcessBuilder(binary.toString(), "-argocd-health",
          argocdHealth.toString()).redirectErrorStream(true).start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(Serialization.asJson(object).getBytes(StandardCharsets.UTF_8));
      }
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("kstatus failed: " + out);
      }
      JsonNode result = JSON.readTree(out);
      return new Result(result.path("status").asText(), result.path("message").asText(),
          result.path("argocd").path("status").asText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
