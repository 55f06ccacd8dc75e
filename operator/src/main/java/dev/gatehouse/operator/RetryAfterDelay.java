package dev.gatehouse.operator;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits out the server's {@code Retry-After} on a 429 or 503 before the client's own retry. The
 * fabric8 client (7.5) reads the header but schedules its retry after its backoff interval alone,
 * so a throttled operator would come back sooner than it was asked to. The wait is capped: it
 * runs inside the client's deadline for one try, the request timeout plus as much again (at most
 * 5 s more), and the answer came within the request timeout, so at least the cap is left; a
 * longer wait would turn a throttled request into a failed one. A longer Retry-After is still
 * honoured in part on every try, and JOSDK's backoff follows the last.
 */
final class RetryAfterDelay implements Interceptor {

  static final String NAME = "retry-after";

  private final Duration cap;

  RetryAfterDelay(Duration requestTimeout) {
    Duration extra = Duration.ofSeconds(5);
    this.cap = requestTimeout.compareTo(extra) < 0 ? requestTimeout : extra;
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response,
      RequestTags tags) {
    if (response == null || (response.code() != 429 && response.code() != 503)) {
      return CompletableFuture.completedFuture(false);
    }
    return wait(response.header("Retry-After"))
        .map(wait -> CompletableFuture.supplyAsync(() -> false,
            CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS)))
        .orElseGet(() -> CompletableFuture.completedFuture(false));
  }

  /** Seconds, as kube-apiserver sends it; an HTTP date or garbage is left to the backoff. */
  Optional<Duration> wait(String retryAfter) {
    if (retryAfter == null) {
      return Optional.empty();
    }
    try {
      long seconds = Long.parseLong(retryAfter.trim());
      if (seconds <= 0) {
        return Optional.empty();
      }
      Duration wait = Duration.ofSeconds(seconds);
      return Optional.of(wait.compareTo(cap) > 0 ? cap : wait);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
