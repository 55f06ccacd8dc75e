package dev.gatehouse.operator.health;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.PoolSpec;
import dev.gatehouse.operator.api.v1alpha1.SpecDuration;
import java.time.Duration;
import java.util.Optional;

/**
 * How often the operator polls an AuthService's pods, for their pool health and their published
 * keys alike: {@code spec.redis.pool.healthCheckInterval}, the period at which the pods check
 * Redis themselves.
 */
final class PollInterval {

  /** Polling faster than this would load the pods more than it tells anyone. */
  static final Duration MINIMUM = Duration.ofSeconds(1);

  /** The CRD's default: the first period, and the period of a spec the operator cannot read. */
  static final Duration DEFAULT =
      SpecDuration.parse(PoolSpec.DEFAULT_HEALTH_CHECK_INTERVAL).orElseThrow();

  private PollInterval() {}

  static Duration of(AuthService primary) {
    if (primary.unreadableSpec().isPresent()) {
      return DEFAULT;
    }
    Duration interval = Optional.ofNullable(primary.getSpec().getRedis().getPool())
        .map(PoolSpec::getHealthCheckInterval)
        .flatMap(SpecDuration::parse)
        .orElse(DEFAULT);
    return interval.compareTo(MINIMUM) < 0 ? MINIMUM : interval;
  }
}
