package dev.gatehouse.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's probes and metrics on one small HTTP port: {@code /healthz} (liveness: every
 * informer is healthy), {@code /readyz} (the operator has started) and {@code /metrics}
 * (Prometheus text, with JOSDK's reconcile metrics).
 *
 * <p>A probe always answers, and a check that throws answers 503: a liveness probe that gets no
 * answer is a failure too, but a clear 503 says which check failed. The checks read the state of
 * the informers and never wait on the API server, so they answer at once; they have a thread of
 * their own, so that a slow scrape of {@code /metrics} (one series set per AuthService) never
 * delays a probe.
 */
final class HealthEndpoints implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthEndpoints.class);

  private final HttpServer server;
  private final ExecutorService probes = Executors.newSingleThreadExecutor(daemon("health-probes"));
  private final ExecutorService metrics = Executors.newSingleThreadExecutor(daemon("metrics"));

  HealthEndpoints(int port, Operator operator, PrometheusMeterRegistry registry) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> probes.execute(() -> probe(exchange,
        () -> operator.getRuntimeInfo().allEventSourcesAreHealthy())));
    server.createContext("/readyz", exchange -> probes.execute(() -> probe(exchange,
        () -> operator.getRuntimeInfo().isStarted())));
    server.createContext("/metrics", exchange -> metrics.execute(() ->
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, Supplier<Boolean> check) {
    boolean ok;
    try {
      ok = check.get();
    } catch (RuntimeException e) {
      log.warn("Probe {} failed", exchange.getRequestURI().getPath(), e);
      ok = false;
    }
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      out.write(bytes);
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } finally {
      exchange.close();
    }
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    probes.shutdownNow();
    metrics.shutdownNow();
  }
}
