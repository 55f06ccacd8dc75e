package dev.gatehouse.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.OperatorSettings;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator process as a Deployment sees it: probes, metrics and leader election. */
class OperatorRuntimeIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void installCrd() {
    apiServer.installCrd();
  }

  @Test
  void probesAndMetricsAnswerAndTheLeaderHoldsItsLease() throws Exception {
    String namespace = apiServer.namespace();
    try (GatehouseOperator operator = InProcessOperator.start(apiServer,
        new OperatorSettings(Set.of(namespace), true, namespace, 0))) {

      Lease lease = apiServer.client().leases().inNamespace(namespace).withName("gatehouse-operator-leader")
          .waitUntilCondition(l -> l != null && l.getSpec().getHolderIdentity() != null, 30, TimeUnit.SECONDS);
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

      awaitStatus(operator, "/readyz", 200);
      assertThat(get(operator, "/healthz").statusCode()).isEqualTo(200);
      HttpResponse<String> metrics = get(operator, "/metrics");
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain"));
      // JOSDK's Micrometer metrics: the controller's registered event sources are counted from start.
      assertThat(metrics.body()).contains("operator_sdk_");
    }
  }

  /**
   * An operator that cannot list what it watches (here: a user without RBAC rights) must not
   * linger alive and idle with its health port open, where no probe would restart it: start fails,
   * and the port is closed (main then exits non-zero).
   */
  @Test
  void anOperatorThatCannotStartClosesItsHealthPort() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    var forbidden = apiServer.impersonatingClient("no-rights").getConfiguration();
    OperatorSettings settings = new OperatorSettings(Set.of(apiServer.namespace()), false, null, port);

    assertThatThrownBy(() -> GatehouseOperator.start(forbidden, settings).close())
        .isInstanceOf(RuntimeException.class);
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
        HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }

  private void awaitStatus(GatehouseOperator operator, String path, int status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (get(operator, path).statusCode() != status) {
      assertThat(System.nanoTime()).as("%s answering %d", path, status).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private HttpResponse<String> get(GatehouseOperator operator, String path)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + operator.healthPort() + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
