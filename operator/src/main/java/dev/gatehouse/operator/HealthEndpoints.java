package dev.gatehouse.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 * the informers and never wait on the API server, so they answer at once.
 */
final class HealthEndpoints implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(HealthEndpoints.class);

  private final HttpServer server;

  HealthEndpoints(int port, Operator operator, PrometheusMeterRegistry registry) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/healthz", exchange -> probe(exchange,
        () -> operator.getRuntimeInfo().allEventSourcesAreHealthy()));
    server.createContext("/readyz", exchange -> probe(exchange,
        () -> operator.getRuntimeInfo().isStarted()));
    server.createContext("/metrics", exchange ->
        respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange exchange, Supplier<Boolean> check) throws IOException {
    boolean ok;
    try {
      ok = check.get();
    } catch (RuntimeException e) {
      log.warn("Probe {} failed", exchange.getRequestURI().getPath(), e);
      ok = false;
    }
    respond(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
