package dev.gatehouse.auth.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The bounded Redis connection pool of one pod. The defaults are the CRD's
 * ({@code spec.redis.pool}), so a service run by hand behaves as the operator runs it; a test
 * compares the two.
 */
public record PoolProperties(
        @DefaultValue("16") @Min(1) int maxConnections,
        @DefaultValue("2") @Min(0) int minIdle,
        @DefaultValue("2s") @NotNull Duration acquireTimeout,
        @DefaultValue("1000") @Min(0) int maxPendingAcquires,
        @DefaultValue("30s") @NotNull Duration healthCheckInterval,
        @DefaultValue("80") @Min(1) int utilizationWarningPercent) {

    @AssertTrue(message = "gatehouse.redis.pool.min-idle must not exceed max-connections")
    public boolean isMinIdleWithinMax() {
        return minIdle <= maxConnections;
    }

    @AssertTrue(message = "gatehouse.redis.pool.acquire-timeout and health-check-interval must be positive")
    public boolean isDurationsPositive() {
        return acquireTimeout != null && healthCheckInterval != null
                && !acquireTimeout.isNegative() && !acquireTimeout.isZero()
                && !healthCheckInterval.isNegative() && !healthCheckInterval.isZero();
    }
}
