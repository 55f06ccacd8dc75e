package dev.gatehouse.operator.it;

import static dev.gatehouse.operator.apiserver.AuditLog.byUserAgent;
import static dev.gatehouse.operator.apiserver.AuditLog.inNamespace;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PODS_NOT_REPORTING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.POOL_HEALTHY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.REDIS_UNREACHABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_POOL_HEALTHY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.apiserver.AuditLog;
import dev.gatehouse.operator.support.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool-health observer against a real API server: auth pods are Pod objects whose status says
 * Ready at a loopback address, and each "pod" answers /health/redis from a small HTTP server in
 * the test, in the documented contract (docs/health-redis.md). The end-to-end tests on the cluster
 * in a box run the real auth service instead; this tier proves the polling, the aggregation, the
 * conditions and that steady health writes nothing.
 */
class PoolHealthObserverIT extends AbstractOperatorIT {

  private final List<PodEndpoint> endpoints = new ArrayList<>();

  PoolHealthObserverIT() {
    super(Duration.ofSeconds(30));
  }

  @AfterEach
  void stopPods() {
    endpoints.forEach(PodEndpoint::close);
  }

  @Test
  void statusFollowsWhatThePodsReportAndSteadyHealthWritesNothing() throws Exception {
    applyMinimalPollingEverySecond();
    Deployment deployment = await(Deployment.class, "auth");
    PodEndpoint first = runPod(deployment, "auth-0", report("healthy", 3));
    PodEndpoint second = runPod(deployment, "auth-1", report("healthy", 5));

    // Both pods: the first may report alone, and healthily, before the second is running.
    AuthService healthy = awaitPoolCondition("True", 2);
    assertThat(condition(healthy).getReason()).isEqualTo(POOL_HEALTHY);
    assertThat(healthy.getStatus().getRedisPool().getHealth()).isEqualTo("healthy");
    assertThat(metrics()).contains("gatehouse_redis_pool_connections_in_use{name=\"auth\",namespace=\""
        + namespace + "\"} 8.0");

    // Polled every second for five seconds, unchanged health is not written again.
    AuditLog.Mark mark = apiServer.auditLog().mark();
    Thread.sleep(5_000);
    assertThat(apiServer.auditLog().writesSince(mark,
        byUserAgent(GatehouseOperator.USER_AGENT).and(inNamespace(namespace)))).isEmpty();

    second.close();
    AuthService silent = awaitPoolCondition("Unknown");
    assertThat(condition(silent).getReason()).isEqualTo(PODS_NOT_REPORTING);
    assertThat(condition(silent).getMessage()).startsWith("1 of 2 running auth pods answered");

    first.body.set(report("unhealthy", 0));
    first.code.set(503);
    AuthService down = awaitPoolCondition("False");
    assertThat(condition(down).getReason()).isEqualTo(REDIS_UNREACHABLE);
    assertThat(down.getStatus().getRedisPool().getWarnings()).containsExactly("ConnectFailures");
  }

  private void applyMinimalPollingEverySecond() throws IOException {
    AuthService service = Serialization.unmarshal(Files.readString(
        Path.of(System.getProperty("gatehouse.examples.dir"), "minimal.yaml")), AuthService.class);
    service.getSpec().getRedis().getPool().setHealthCheckInterval("1s");
    client.resource(service).inNamespace(namespace).create();
  }

  /** A Pod as the Deployment would make it, marked Ready at 127.0.0.1 and answering on its own port. */
  private PodEndpoint runPod(Deployment deployment, String name, String body) throws IOException {
    PodEndpoint endpoint = new PodEndpoint(body);
    endpoints.add(endpoint);
    runReadyPod(deployment, name, endpoint.port());
    return endpoint;
  }

  private AuthService awaitPoolCondition(String status) {
    return awaitPoolCondition(status, null);
  }

  /** @param reportingPods how many pods must have answered, or null for any number */
  private AuthService awaitPoolCondition(String status, Integer reportingPods) {
    return awaitStatus("auth", s -> Conditions.hasStatus(s, REDIS_POOL_HEALTHY, status)
        && (reportingPods == null || (s.getStatus().getRedisPool() != null
            && reportingPods.equals(s.getStatus().getRedisPool().getReportingPods()))));
  }

  private String metrics() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + operator.healthPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private static Condition condition(AuthService service) {
    return Conditions.condition(service, REDIS_POOL_HEALTHY);
  }

  /** A pod's body: a sample of contracts/health-redis, with this many connections in use. */
  private static String report(String sample, int inUse) throws IOException {
    ObjectNode body = (ObjectNode) new ObjectMapper().readTree(Files.readString(
        Path.of(System.getProperty("gatehouse.contracts.dir"), "health-redis", sample + ".json")));
    ((ObjectNode) body.get("pool")).put("in_use", inUse);
    return body.toString();
  }

  /** What one auth pod answers on /health/redis; changeable while the test runs. */
  private static final class PodEndpoint implements AutoCloseable {
    final AtomicReference<String> body;
    final AtomicReference<Integer> code = new AtomicReference<>(200);
    private final HttpServer server;

    PodEndpoint(String initialBody) throws IOException {
      body = new AtomicReference<>(initialBody);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/health/redis", exchange -> {
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code.get(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
