package dev.gatehouse.auth.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of what went wrong in the pool, cumulative since start. /health/redis compares two
 * snapshots to tell what happened recently; Prometheus gets the totals.
 */
public final class PoolStatistics {

    private final AtomicLong acquireTimeouts = new AtomicLong();
    private final AtomicLong pendingRejections = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong replicaWaitsRefused = new AtomicLong();
    private final Timer acquireLatency;

    public PoolStatistics(MeterRegistry registry) {
        acquireLatency = Timer.builder("gatehouse.redis.pool.acquire")
                .description("Time to acquire a pooled Redis connection")
                .publishPercentileHistogram()
                .register(registry);
        counter(registry, "gatehouse.redis.pool.acquire.timeouts", "Acquires that waited past the acquire timeout", acquireTimeouts);
        counter(registry, "gatehouse.redis.pool.pending.rejections", "Acquires refused because the waiter queue was full", pendingRejections);
        counter(registry, "gatehouse.redis.connect.failures", "Failed attempts to open a Redis connection", connectFailures);
        counter(registry, "gatehouse.redis.reconnects", "Connections re-established after an outage", reconnects);
        counter(registry, "gatehouse.redis.disconnects", "Pooled connections that lost their Redis", disconnects);
        counter(registry, "gatehouse.redis.replica.waits.refused",
                "Replica-acknowledged writes refused because every replica-wait slot stayed taken", replicaWaitsRefused);
    }

    private static void counter(MeterRegistry registry, String name, String description, AtomicLong value) {
        FunctionCounter.builder(name, value, AtomicLong::doubleValue).description(description).register(registry);
    }

    void recordAcquire(long nanos) {
        acquireLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void acquireTimedOut() {
        acquireTimeouts.incrementAndGet();
    }

    void pendingRejected() {
        pendingRejections.incrementAndGet();
    }

    void connectFailed() {
        connectFailures.incrementAndGet();
    }

    void reconnected() {
        reconnects.incrementAndGet();
    }

    void disconnected() {
        disconnects.incrementAndGet();
    }

    void replicaWaitRefused() {
        replicaWaitsRefused.incrementAndGet();
    }

    public Snapshot snapshot() {
        return new Snapshot(acquireTimeouts.get(), pendingRejections.get(), connectFailures.get(),
                reconnects.get(), disconnects.get());
    }

    /** Counter values at one instant; {@link #minus} gives what happened between two of them. */
    public record Snapshot(long acquireTimeouts, long pendingRejections, long connectFailures,
                           long reconnects, long disconnects) {

        public static final Snapshot ZERO = new Snapshot(0, 0, 0, 0, 0);

        public Snapshot minus(Snapshot earlier) {
            return new Snapshot(acquireTimeouts - earlier.acquireTimeouts,
                    pendingRejections - earlier.pendingRejections,
                    connectFailures - earlier.connectFailures,
                    reconnects - earlier.reconnects,
                    disconnects - earlier.disconnects);
        }
    }
}
