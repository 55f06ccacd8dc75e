package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.RedisProperties;
import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * Gathers what the {@code /health/redis} report shows: the pool's state, the checker's last check
 * and its decision, and where Redis is. It decides nothing; {@link RedisHealthReport} renders.
 */
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
                checker.recentEvents(), checker.reachability(), checker.interval().toSeconds(),
                pool.reconnectPolicy(), pool.properties().utilizationWarningPercent(), clock.instant());
    }
}
