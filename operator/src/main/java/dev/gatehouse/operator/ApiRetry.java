package dev.gatehouse.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.processing.retry.Retry;
import java.time.Duration;

/**
 * How the operator retries what the API server refused or did not answer. Two levels, which
 * multiply, so both are chosen together:
 * <ul>
 *   <li><b>per request</b>, in the client: a 429, a 5xx or an I/O error (a timeout, a reset) is
 *       retried {@value #REQUEST_RETRIES} times, after 200, 400 and 800 ms, each after the
 *       server's Retry-After when it sent one ({@link RetryAfterDelay}). That rides out a blip
 *       without failing the reconcile. Kept short: each retry holds a reconcile thread, and a
 *       hung server costs one request timeout per try.</li>
 *   <li><b>per reconcile</b>, in JOSDK: anything else (a 409, a 422, a server down for longer),
 *       after 1 s, 1 s, 2 s, 4 s (JOSDK doubles from the second retry on), at most every
 *       {@link #RECONCILE_MAX_INTERVAL}, for ever. A reconcile
 *       is idempotent, so trying again is always safe; stopping after N tries, JOSDK's default,
 *       would leave an AuthService unreconciled after an outage until something else changes.
 *       The cap bounds what a permanently failing AuthService costs the API server, and a fix
 *       by its owner is an event that reconciles at once, whatever the backoff.</li>
 * </ul>
 */
final class ApiRetry {

  static final int REQUEST_RETRIES = 3;
  static final Duration REQUEST_RETRY_INTERVAL = Duration.ofMillis(200);
  static final Duration RECONCILE_INITIAL_INTERVAL = Duration.ofSeconds(1);
  static final Duration RECONCILE_MAX_INTERVAL = Duration.ofMinutes(2);

  private ApiRetry() {}

  static Config requestRetries(Config config) {
    return new ConfigBuilder(config)
        .withRequestRetryBackoffLimit(REQUEST_RETRIES)
        .withRequestRetryBackoffInterval((int) REQUEST_RETRY_INTERVAL.toMillis())
        .build();
  }

  static Retry reconcileRetry() {
    return new GenericRetry()
        .withoutMaxAttempts()
        .setInitialInterval(RECONCILE_INITIAL_INTERVAL.toMillis())
        .setIntervalMultiplier(2)
        .setMaxInterval(RECONCILE_MAX_INTERVAL.toMillis());
  }
}
