package dev.gatehouse.operator.health;

import dev.gatehouse.operator.api.v1alpha1.SpecDuration;
import java.time.Duration;

/** Reads the single-unit durations the CRD allows ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}). */
final class PollInterval {

  /** Polling faster than this would load the pods more than it tells anyone. */
  static final Duration MINIMUM = Duration.ofSeconds(1);

  private PollInterval() {}

  static Duration parse(String text, Duration fallback) {
    Duration duration = SpecDuration.parse(text).orElse(fallback);
    return duration.compareTo(MINIMUM) < 0 ? MINIMUM : duration;
  }
}
