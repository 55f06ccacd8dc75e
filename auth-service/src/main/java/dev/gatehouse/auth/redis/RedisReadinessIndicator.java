package dev.gatehouse.auth.redis;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code redis} contributor of the readiness group: a pod whose Redis is unreachable can only
 * answer 503, so it should leave the Service's endpoints until Redis is back. Liveness stays UP:
 * restarting the pod would not bring Redis back.
 */
@Component("redis")
public class RedisReadinessIndicator implements HealthIndicator {

    private final RedisHealthChecker checker;

    public RedisReadinessIndicator(RedisHealthChecker checker) {
        this.checker = checker;
    }

    @Override
    public Health health() {
        RedisHealthChecker.Reachability reachability = checker.reachability();
        Health.Builder builder = reachability.reachable() ? Health.up() : Health.down();
        RedisHealthChecker.HealthCheck check = reachability.lastCheck();
        if (check != null) {
            builder.withDetail("lastCheck", check.at().toString())
                    .withDetail("latencyMs", check.latencyMs() == null ? "unknown" : check.latencyMs());
        }
        return builder.build();
    }
}
