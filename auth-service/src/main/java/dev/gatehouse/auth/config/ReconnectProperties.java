package dev.gatehouse.auth.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Exponential backoff with full jitter between attempts to reach a Redis that refused us. */
public record ReconnectProperties(
        @DefaultValue("100ms") @NotNull Duration initialDelay,
        @DefaultValue("10s") @NotNull Duration maxDelay) {

    @AssertTrue(message = "gatehouse.redis.reconnect.initial-delay must be positive and not above max-delay")
    public boolean isDelaysOrdered() {
        return initialDelay != null && maxDelay != null && !initialDelay.isNegative() && !initialDelay.isZero()
                && initialDelay.compareTo(maxDelay) <= 0;
    }
}
