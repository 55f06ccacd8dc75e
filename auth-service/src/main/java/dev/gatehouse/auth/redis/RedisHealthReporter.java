package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.GatehouseProperties;
import java.net.InetSocketAddress;
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
    private final boolean tls;
    private final Clock clock = Clock.systemUTC();

    public RedisHealthReporter(RedisPool pool, RedisHealthChecker checker, GatehouseProperties properties) {
        this.pool = pool;
        this.checker = checker;
        this.environment = properties.environment();
        this.tls = properties.redis().tls();
    }

    /** Where Redis is: behind Sentinel, the primary the pool connected to last (unknown: host "", port 0). */
    public RedisHealthReport report() {
        InetSocketAddress node = pool.connectedNode().orElse(InetSocketAddress.createUnresolved("", 0));
        RedisHealthReport.Server server = new RedisHealthReport.Server(node.getHostString(), node.getPort(), tls,
                null, null, null, pool.lastFailover().orElse(null));
        return RedisHealthReport.of(environment, server, pool.snapshot(), pool.statistics().snapshot(),
                checker.recentEvents(), checker.reachability(), checker.interval().toSeconds(),
                pool.reconnectPolicy(), pool.properties().utilizationWarningPercent(), clock.instant());
    }
}
