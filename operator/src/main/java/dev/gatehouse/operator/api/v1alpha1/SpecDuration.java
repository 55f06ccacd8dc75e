package dev.gatehouse.operator.api.v1alpha1;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a duration field of the spec: the single-unit grammar of {@link PoolSpec#DURATION}. */
public final class SpecDuration {

  private static final Pattern GRAMMAR = Pattern.compile(PoolSpec.DURATION);

  private SpecDuration() {}

  /** Empty for null or anything the CRD would have refused. */
  public static Optional<Duration> parse(String text) {
    Matcher matcher = text == null ? null : GRAMMAR.matcher(text);
    if (matcher == null || !matcher.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group().replaceAll("[a-z]+$", ""));
    return Optional.of(switch (matcher.group(1)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    });
  }
}
