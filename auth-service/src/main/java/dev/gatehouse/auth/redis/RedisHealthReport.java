package dev.gatehouse.auth.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of {@code GET /health/redis}: a stable contract read by the operator's observer
 * (docs/health-redis.md). Property names are written in snake_case by the web layer's JSON mapper.
 * Every key is always present; a value that is unknown is null.
 */
public record RedisHealthReport(
        Status status,
        String environment,
        Server redis,
        Pool pool,
        Health health,
        List<Warning> warnings,
        Instant timestamp) {

    /** Written in lower case: healthy, degraded, unhealthy. */
    public enum Status {
        /** Redis answers PING and nothing in the pool needs attention. */
        healthy,
        /** Redis answers, but the pool is near its limit or recently timed out, rejected or reconnected. */
        degraded,
        /** Redis is not reachable, as {@link RedisHealthChecker} decides it. */
        unhealthy
    }

    /**
     * Where Redis is, what the last successful check read from it (INFO clients and replication,
     * CONFIG GET), and, behind Sentinel, when this pod last followed a failover.
     */
    public record Server(String host, int port, boolean tls, Integer maxclients, Integer connectedClients,
                         String role, Instant lastFailover) {

        Server withFacts(RedisHealthChecker.HealthCheck check) {
            return check == null || !check.ok() ? this
                    : new Server(host, port, tls, check.maxClients(), check.connectedClients(), check.role(),
                            lastFailover);
        }
    }

    public record Pool(int maxConnections, int inUse, int idle, int availableConnections, int allocated,
                       int pending, int maxPending, double utilizationPercent, long acquireTimeoutsTotal,
                       long pendingRejectionsTotal, long connectFailuresTotal, long reconnectsTotal,
                       long disconnectsTotal) {
    }

    public record Health(long checkIntervalSeconds, Instant lastCheck, Boolean lastCheckOk, Double latencyMs,
                         String lastError, int consecutiveConnectFailures, RetryPolicy retryPolicy) {
    }

    public record RetryPolicy(String strategy, long initialDelayMs, long maxDelayMs, long nextAttemptInMs) {
    }

    /** {@code code} is stable and meant for machines; {@code message} is for people. */
    public record Warning(String code, String message) {
    }

    /**
     * Assembles the report from the pool, its recent events and the checker's last check and
     * decision: unhealthy is the checker's, degraded is any warning of a reachable Redis.
     */
    public static RedisHealthReport of(String environment, Server server, RedisPool.PoolSnapshot pool,
                                       PoolStatistics.Snapshot totals, PoolStatistics.Snapshot recent,
                                       RedisHealthChecker.Reachability reachability, long intervalSeconds,
                                       ReconnectPolicy reconnect, int utilizationWarningPercent, Instant now) {
        RedisHealthChecker.HealthCheck lastCheck = reachability.lastCheck();
        List<Warning> warnings = new ArrayList<>();
        if (pool.utilizationPercent() > utilizationWarningPercent) {
            warnings.add(new Warning("HighUtilization", pool.inUse() + " of " + pool.maxConnections()
                    + " connections in use (" + pool.utilizationPercent() + " %, threshold " + utilizationWarningPercent + " %)"));
        }
        if (recent.acquireTimeouts() > 0) {
            warnings.add(new Warning("AcquireTimeouts", recent.acquireTimeouts()
                    + " requests waited past the acquire timeout since the previous check"));
        }
        if (recent.pendingRejections() > 0) {
            warnings.add(new Warning("PendingQueueFull", recent.pendingRejections()
                    + " requests refused because the waiter queue was full since the previous check"));
        }
        if (recent.disconnects() > 0 || recent.reconnects() > 0) {
            warnings.add(new Warning("Reconnects", recent.disconnects() + " connections lost and "
                    + recent.reconnects() + " reconnects since the previous check"));
        }
        if (recent.connectFailures() > 0) {
            warnings.add(new Warning("ConnectFailures", recent.connectFailures()
                    + " failed connection attempts since the previous check"));
        }
        Status status = !reachability.reachable() ? Status.unhealthy : warnings.isEmpty() ? Status.healthy : Status.degraded;
        if (lastCheck == null) {
            warnings.add(new Warning("NotYetChecked", "no health check has completed yet"));
        }
        return new RedisHealthReport(
                status,
                environment,
                server.withFacts(lastCheck),
                new Pool(pool.maxConnections(), pool.inUse(), pool.idle(), pool.available(), pool.allocated(),
                        pool.pending(), pool.maxPending(), pool.utilizationPercent(), totals.acquireTimeouts(),
                        totals.pendingRejections(), totals.connectFailures(), totals.reconnects(), totals.disconnects()),
                new Health(intervalSeconds,
                        lastCheck == null ? null : lastCheck.at(),
                        lastCheck == null ? null : lastCheck.ok(),
                        lastCheck == null ? null : lastCheck.latencyMs(),
                        lastCheck == null ? null : lastCheck.error(),
                        reconnect.consecutiveFailures(),
                        new RetryPolicy("exponential_backoff_full_jitter", reconnect.initialDelay().toMillis(),
                                reconnect.maxDelay().toMillis(), reconnect.nextAttemptIn().toMillis())),
                List.copyOf(warnings),
                now);
    }
}
