package dev.gatehouse.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator as its pod runs it, short of a container runtime: the image's command
 * (images/operator/Dockerfile ENTRYPOINT) on the jars the build lays out for the image, the chart's
 * environment, and a real token of the chart's ServiceAccount (TokenRequest, as the kubelet mounts
 * one), so the API server authenticates it as that ServiceAccount. Its probes answer the way the
 * chart's Deployment asks them, it reconciles an example, and SIGTERM stops it.
 */
class PackagedOperatorIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process operator;

  @AfterEach
  void stopOperator() {
    if (operator != null && operator.isAlive()) {
      operator.destroyForcibly();
    }
  }

  @Test
  void packagedOperatorStartsWithTheChartsSettingsAndServiceAccountToken() throws Exception {
    String release = apiServer.createNamespace("packaged");
    Rendered chart = HelmChart.template(release);
    for (GenericKubernetesResource object : chart.objects()) {
      apiServer.client().resource(object).fieldManager("helm").forceConflicts().serverSideApply();
    }
    ServiceAccount account = chart.one(ServiceAccount.class);
    String token = apiServer.client().serviceAccounts().inNamespace(release)
        .withName(account.getMetadata().getName())
        .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec()
            .build())
        .getStatus().getToken();
    Deployment deployment = chart.one(Deployment.class);
    var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    int port = freePort();

    List<String> command = new ArrayList<>(
        Dockerfile.read(HelmChart.REPO.resolve("images/operator/Dockerfile")).last("ENTRYPOINT").execForm());
    // The image copies operator/target/image/lib/ to /app/lib/; its java is the one on its PATH, here
    // the JVM running the tests.
    command.set(command.indexOf("/app/lib/*"), HelmChart.REPO.resolve("operator/target/image/lib") + "/*");
    command.set(command.indexOf("java"), ProcessHandle.current().info().command().orElseThrow());
    ProcessBuilder builder = new ProcessBuilder(command);
    Path log = Files.createTempFile("packaged-operator-", ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(ChartTest.env(deployment)); // the chart's env, as the kubelet sets it
    env.put("POD_NAMESPACE", release);     // the downward API
    env.put("GATEHOUSE_HEALTH_PORT", Integer.toString(port)); // 8081 may be taken on a test machine
    // What fabric8 reads in a pod from /var/run/secrets/kubernetes.io/serviceaccount, given directly.
    Config admin = apiServer.client().getConfiguration();
    env.put("KUBERNETES_MASTER", admin.getMasterUrl());
    if (admin.getCaCertData() != null) {
      env.put("KUBERNETES_CERTS_CA_DATA", admin.getCaCertData());
    } else {
      env.put("KUBERNETES_CERTS_CA_FILE", admin.getCaCertFile());
    }
    env.put("KUBERNETES_AUTH_TOKEN", token);
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("HOME", Files.createTempDirectory("packaged-operator-home-").toString());
    operator = builder.start();

    try {
      assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
      awaitStatus(port, container.getReadinessProbe().getHttpGet().getPath(), 200, log);
      assertThat(get(port, container.getLivenessProbe().getHttpGet().getPath())).isEqualTo(200);
      assertThat(get(port, container.getStartupProbe().getHttpGet().getPath())).isEqualTo(200);

      AuthService example = apiServer.client().resources(AuthService.class)
          .load(HelmChart.REPO.resolve("examples/minimal.yaml").toFile()).item();
      example.getMetadata().setNamespace(release);
      apiServer.client().resource(example).fieldManager("kubectl").serverSideApply();
      apiServer.client().resources(AuthService.class).inNamespace(release)
          .withName(example.getMetadata().getName())
          .waitUntilCondition(a -> a != null && a.getStatus() != null
              && Long.valueOf(1L).equals(a.getStatus().getObservedGeneration()),
              TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(apiServer.client().apps().deployments().inNamespace(release)
          .withName(example.getMetadata().getName()).get()).isNotNull();
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("the packaged operator's log:\n" + Files.readString(log), e);
    }

    // What the kubelet sends first on a rolling update or a deletion.
    operator.destroy();
    assertThat(operator.waitFor(30, TimeUnit.SECONDS)).as("stopped within the default grace period")
        .isTrue();
    assertThat(Files.readString(log)).doesNotContain("ClassNotFoundException", "NoClassDefFoundError");
    Files.delete(log);
  }

  private void awaitStatus(int port, String path, int status, Path log) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (get(port, path) != status) {
      if (!operator.isAlive()) {
        throw new AssertionError("the operator exited with " + operator.exitValue() + ":\n"
            + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(path + " did not answer " + status + " within " + TIMEOUT);
      }
      Thread.sleep(200);
    }
  }

  /** The HTTP status of GET path, or -1 while nothing listens. */
  private int get(int port, String path) throws InterruptedException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
