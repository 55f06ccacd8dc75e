package dev.gatehouse.operator.health;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the single-unit durations the CRD allows ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}). */
final class PollInterval {

  private static final Pattern DURATION = Pattern.compile("^([0-9]+)(ms|s|m|h)$");
  /** Polling faster than this would load the pods more than it tells anyone. */
  static final Duration MINIMUM = Duration.ofSeconds(1);

  private PollInterval() {}

  static Duration parse(String text, Duration fallback) {
    Matcher matcher = text == null ? null : DURATION.matcher(text);
    if (matcher == null || !matcher.matches()) {
      return fallback;
    }
    long amount = Long.parseLong(matcher.group(1));
    Duration duration = switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
    return duration.compareTo(MINIMUM) < 0 ? MINIMUM : duration;
  }
}
