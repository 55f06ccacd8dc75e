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

/**
 * The operator's probes and metrics on one small HTTP port: {@code /healthz} (liveness: every
 * informer is healthy), {@code /readyz} (the operator has started) and {@code /metrics}
 * (Prometheus text, with JOSDK's reconcile metrics).
 */
final class HealthEndpoints implements AutoCloseable {

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
    boolean ok = check.get();
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
