package dev.gatehouse.operator.health;

import java.util.Locale;

/** The health an auth pod reports for its Redis pool, worst last so that max() is the worst. */
public enum PoolState {
  HEALTHY,
  DEGRADED,
  UNHEALTHY;

  static PoolState fromReport(String status) {
    if (status == null) {
      return UNHEALTHY;
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "healthy" -> HEALTHY;
      case "degraded" -> DEGRADED;
      // An unknown word from a newer service is not a reason to call the pool healthy.
      default -> UNHEALTHY;
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
