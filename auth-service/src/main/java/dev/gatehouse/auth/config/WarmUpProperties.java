package dev.gatehouse.auth.config;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The requests a starting pod sends itself before it reports ready ({@code StartupWarmUp}); the
 * operator sets none of these.
 *
 * @param requests how many, over the hot paths (0: no warm-up)
 * @param maxDuration the warm-up stops here, done or not, so a slow or starved pod still gets ready
 */
public record WarmUpProperties(
        @DefaultValue("30000") @PositiveOrZero int requests,
        @DefaultValue("10s") @NotNull Duration maxDuration) {
}
