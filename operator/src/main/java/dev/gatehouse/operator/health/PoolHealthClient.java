package dev.gatehouse.operator.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks one auth pod for its pool health (and, for {@link PublishedKeysObserver}, its JWKS). Every
 * request is bounded in time, and a semaphore bounds how many are in flight across all
 * AuthServices, so a thousand unreachable pods cannot pile up sockets. Any failure (refused, timeout, not 200, unreadable body) is "did not report".
 *
 * <p>A pod with {@code spec.tls} is asked over HTTPS without verifying its certificate, as the
 * kubelet's HTTPS probes do: the request carries no credential and the answer is pool statistics,
 * and the certificate names the Service, not the pod address asked. What a forged answer could do
 * is change status, or hurry a key rotation (refused tokens), never who gets a token.
 */
class PoolHealthClient {

  static final String PATH = "/health/redis";
  private static final Logger log = LoggerFactory.getLogger(PoolHealthClient.class);

  private final HttpClient http;
  private final HttpClient https;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Duration timeout;
  private final Semaphore inFlight;

  PoolHealthClient(Duration timeout, int maxInFlight) {
    this.timeout = timeout;
    this.inFlight = new Semaphore(maxInFlight);
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.https = HttpClient.newBuilder().connectTimeout(timeout).sslContext(UnverifiedTls.context())
        .build();
  }

  CompletableFuture<Optional<PodPoolReport>> fetch(String podIp, int port, boolean tls) {
    return get(podIp, port, tls, PATH)
        .thenApply(response -> response.flatMap(answer -> parse(answer.uri(), answer)));
  }

  /**
   * One GET of {@code path} at a pod, bounded in time and counted against the in-flight bound
   * like every request of this client; empty on any failure to get an answer.
   */
  CompletableFuture<Optional<HttpResponse<byte[]>>> get(String podIp, int port, boolean tls,
      String path) {
    URI uri = URI.create((tls ? "https://" : "http://") + hostLiteral(podIp) + ":" + port + path);
    if (!inFlight.tryAcquire()) {
      log.debug("Skipping {}: {} requests already in flight", uri, inFlight.availablePermits());
      return CompletableFuture.completedFuture(Optional.empty());
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    return (tls ? https : http).sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(Optional::of)
        .exceptionally(failure -> {
          log.debug("No answer from {}: {}", uri, failure.toString());
          return Optional.empty();
        })
        .whenComplete((result, failure) -> inFlight.release());
  }

  private Optional<PodPoolReport> parse(URI uri, HttpResponse<byte[]> response) {
    // 503 carries a valid report too: the service answers 503 while Redis is down.
    if (response.statusCode() != 200 && response.statusCode() != 503) {
      log.debug("{} answered {}", uri, response.statusCode());
      return Optional.empty();
    }
    try {
      return Optional.of(read(response.body()));
    } catch (IOException e) {
      log.debug("{} answered an unreadable body: {}", uri, e.getMessage());
      return Optional.empty();
    }
  }

  /** A body as contracts/health-redis shows it. */
  static PodPoolReport read(byte[] body) throws IOException {
    return JSON.readValue(body, PodPoolReport.class);
  }

  private static String hostLiteral(String ip) {
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }
}
