package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.RedisProperties;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Builds the {@code /health/redis} report from the pool and the health checker. */
@Component
public class RedisHealthReporter {

    private final RedisPool pool;
    private final RedisHealthChecker checker;
    private final String environment;
    private final RedisHealthReport.Server server;
    private final Clock clock = Clock.systemUTC();

    public RedisHealthReporter(RedisPool pool, RedisHealthChecker checker, GatehouseProperties properties) {
        this.pool = pool;
        this.checker = checker;
        this.environment = properties.environment();
        RedisProperties redis = properties.redis();
        this.server = new RedisHealthReport.Server(redis.host(), redis.port(), redis.tls(), null, null);
    }

    public RedisHealthReport report() {
        return RedisHealthReport.of(environment, server, pool.snapshot(), pool.statistics().snapshot(),
                checker.recentEvents(), checker.lastCheck().orElse(null), checker.interval().toSeconds(),
                pool.reconnectPolicy(), pool.properties().utilizationWarningPercent(), clock.instant());
    }
}
