package dev.gatehouse.e2e;

import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A bounded load of what a failover could break: each worker issues a token, revokes it and checks
 * that it is refused, round the auth pods, paced to a fixed rate of such rounds. It keeps every
 * token whose revocation was acknowledged (200), and when requests failed, so a test can ask after
 * a failover whether each of those is still refused and how long the service answered errors.
 */
final class RevocationLoad implements AutoCloseable {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ExecutorService threads;
  private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> unsafe = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  /** Nanos of the first and the last failed request; 0 while none failed. */
  private final AtomicLong firstFailure = new AtomicLong();
  private final AtomicLong lastFailure = new AtomicLong();

  /**
   * @param pods the auth pods' base URLs now (read on every round, so replaced pods are followed)
   * @param roundsPerSecond per worker; each round is three requests
   */
  RevocationLoad(Supplier<List<String>> pods, OAuthClient oauth, int workers, int roundsPerSecond) {
    threads = Executors.newFixedThreadPool(workers + 1);
    AtomicReference<List<String>> urls = new AtomicReference<>(pods.get());
    // The pods are listed once a second, not on every round: the API server serves the test too.
    threads.submit(() -> {
      while (running.get()) {
        TimeUnit.SECONDS.sleep(1);
        try {
          urls.set(pods.get());
        } catch (RuntimeException | AssertionError e) {
          // A pod between its deletion and its process's end: keep the last list.
        }
      }
      return null;
    });
    long period = TimeUnit.SECONDS.toNanos(1) / roundsPerSecond;
    for (int w = 0; w < workers; w++) {
      int worker = w;
      threads.submit(() -> {
        long next = System.nanoTime();
        for (long round = worker; running.get(); round++) {
          List<String> now = urls.get();
          if (!now.isEmpty()) {
            round(now.get((int) (round % now.size())), oauth);
          }
          next += period;
          long wait = next - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          } else {
            next = System.nanoTime();
          }
        }
        return null;
      });
    }
  }

  private void round(String pod, OAuthClient oauth) {
    String token;
    try {
      requests.incrementAndGet();
      token = AuthApi.tokens(AuthApi.post(pod + "/oauth2/token", oauth,
          java.util.Map.of("grant_type", "client_credentials"))).access();
    } catch (Exception | AssertionError e) {
      failure();
      return;
    }
    try {
      requests.incrementAndGet();
      if (AuthApi.revoke(pod, oauth, token) != 200) {
        failure();
        return;
      }
      acknowledged.add(token);
    } catch (Exception e) {
      failure();
      return;
    }
    try {
      requests.incrementAndGet();
      int status = AuthApi.forwardAuth(pod, token);
      if (status == 200) {
        unsafe.add(token);
      } else if (status != 401) {
        failure();
      }
    } catch (Exception e) {
      failure();
    }
  }

  private void failure() {
    long now = System.nanoTime();
    failed.incrementAndGet();
    firstFailure.compareAndSet(0, now);
    lastFailure.set(now);
  }

  int requests() {
    return requests.get();
  }

  int failed() {
    return failed.get();
  }

  /** Revoked tokens that were accepted right after their revocation was acknowledged. */
  List<String> unsafe() {
    return List.copyOf(unsafe);
  }

  List<String> acknowledgedRevocations() {
    return List.copyOf(acknowledged);
  }

  /** From the first failed request to the last; zero when none failed. */
  Duration errorWindow() {
    long first = firstFailure.get();
    return first == 0 ? Duration.ZERO : Duration.ofNanos(lastFailure.get() - first);
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    threads.shutdown();
    if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
      threads.shutdownNow();
    }
  }
}
