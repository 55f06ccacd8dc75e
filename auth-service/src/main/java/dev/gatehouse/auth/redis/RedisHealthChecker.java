package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.GatehouseProperties;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * PINGs Redis through the pool every {@code health-check-interval} and records the outcome and the
 * round-trip latency, plus the server's {@code connected_clients} and {@code maxclients}. While
 * Redis does not count as reachable ({@link #reachable}) it checks every second instead, so
 * readiness turns back to UP soon after Redis returns rather than up to one full interval later.
 *
 * <p>Checks start at a fixed rate, and each one is bounded by {@link #checkTimeout}: a Redis that
 * hangs (a paused process, a network that stopped forwarding) fails the check after that time
 * instead of holding the schedule. While the pool's reconnect policy holds failed connects
 * against Redis, a check whose PING passed also opens a fresh connection
 * ({@link RedisPool#probeNewConnection()}): pooled connections that lived through a hang answer
 * again without the pool ever opening a new one, and only a successful connect ends the failure
 * streak that keeps the pod unhealthy.
 */
@Component
public class RedisHealthChecker implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RedisHealthChecker.class);
    /** How often checks start while Redis is not reachable (docs/health-redis.md). */
    static final Duration UNHEALTHY_INTERVAL = Duration.ofSeconds(1);

    private final RedisPool pool;
    private final Duration interval;
    private final Duration checkTimeout;
    private final Clock clock;
    private final Scheduler scheduler;
    private volatile HealthCheck last;
    private volatile PoolStatistics.Snapshot windowStart = PoolStatistics.Snapshot.ZERO;
    private volatile PoolStatistics.Snapshot previousCheck = PoolStatistics.Snapshot.ZERO;
    private final Disposable schedule;

    @Autowired
    public RedisHealthChecker(RedisPool pool, GatehouseProperties properties) {
        this(pool, properties.redis().pool().healthCheckInterval(),
                checkTimeout(properties.redis().commandTimeout()), Clock.systemUTC(), Schedulers.parallel());
    }

    RedisHealthChecker(RedisPool pool, Duration interval, Duration checkTimeout, Clock clock, Scheduler scheduler) {
        this.pool = pool;
        this.interval = interval;
        this.checkTimeout = checkTimeout;
        this.clock = clock;
        this.scheduler = scheduler;
        this.schedule = Mono.defer(() -> {
                    long started = scheduler.now(TimeUnit.NANOSECONDS);
                    return check().then(Mono.defer(() -> Mono.delay(
                            nextDelay(isRedisReachable(), interval,
                                    Duration.ofNanos(scheduler.now(TimeUnit.NANOSECONDS) - started)),
                            scheduler)));
                })
                // check() never fails; this only keeps a bug in it from ending the schedule for good.
                .onErrorResume(e -> {
                    log.error("Redis health check broke; checking again in {}", UNHEALTHY_INTERVAL, e);
                    return Mono.delay(UNHEALTHY_INTERVAL, scheduler);
                })
                .repeat()
                .subscribe();
    }

    /**
     * A check may take as long as one command may (the PING on a pooled connection), but never
     * longer than the cadence while unhealthy needs: a check that does not end in time fails.
     */
    static Duration checkTimeout(Duration commandTimeout) {
        return commandTimeout.compareTo(UNHEALTHY_INTERVAL) > 0 ? commandTimeout : UNHEALTHY_INTERVAL;
    }

    /**
     * How long to wait after a check that took {@code elapsed}: checks start every
     * {@code interval} while Redis is reachable and every second otherwise (the shorter of the two),
     * counted from the start of the previous check, so a slow or timed-out check does not stretch
     * the period.
     */
    static Duration nextDelay(boolean reachable, Duration interval, Duration elapsed) {
        Duration period = reachable || interval.compareTo(UNHEALTHY_INTERVAL) < 0 ? interval : UNHEALTHY_INTERVAL;
        Duration delay = period.minus(elapsed);
        return delay.isNegative() ? Duration.ZERO : delay;
    }

    /** Runs one check now and records it; never fails, and ends within {@link #checkTimeout}. */
    public Mono<HealthCheck> check() {
        Instant at = clock.instant();
        return pool.execute(this::probe)
                .flatMap(this::probeNewConnectionIfFailing)
                .timeout(checkTimeout, scheduler)
                .map(probe -> new HealthCheck(at, true, probe.latencyMs(), null, probe.maxClients(),
                        probe.connectedClients(), probe.role()))
                .onErrorResume(e -> Mono.just(new HealthCheck(at, false, null, e instanceof TimeoutException
                        ? "Redis did not answer the health check within " + checkTimeout.toMillis() + " ms"
                        : e.getMessage(), null, null, null)))
                .doOnNext(this::record);
    }

    /**
     * Redis answered on a pooled connection; if the pool's last connects failed and it is not
     * backing off, show whether a new connection can be made now. While it backs off, the check
     * passes and the pod stays unreachable until a later check may try.
     */
    private Mono<Probe> probeNewConnectionIfFailing(Probe probe) {
        ReconnectPolicy reconnect = pool.reconnectPolicy();
        if (reconnect.consecutiveFailures() == 0 || !reconnect.mayAttempt()) {
            return Mono.just(probe);
        }
        return pool.probeNewConnection()
                .onErrorMap(e -> new RedisUnavailableException(
                        "Redis answered PING, but a new connection failed: " + e.getMessage(), e))
                .thenReturn(probe);
    }

    private Mono<Probe> probe(RedisReactiveCommands<String, String> commands) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return commands.ping().map(pong -> (System.nanoTime() - started) / 1_000_000.0);
        }).flatMap(latency -> commands.info("clients")
                .map(RedisHealthChecker::parseInfo)
                .onErrorReturn(Map.of())
                .flatMap(info -> Mono.zip(
                                maxClients(commands, info).map(Optional::of).defaultIfEmpty(Optional.empty()),
                                role(commands))
                        .map(facts -> new Probe(latency, facts.getT1().orElse(null),
                                integer(info.get("connected_clients")), facts.getT2().orElse(null)))));
    }

    /**
     * The node's {@code role} ({@code master}, {@code slave}): behind Sentinel, a pool still on a
     * paused primary that has come back as a replica says so here before its writes fail.
     */
    private static Mono<Optional<String>> role(RedisReactiveCommands<String, String> commands) {
        return commands.info("replication")
                .map(info -> Optional.ofNullable(parseInfo(info).get("role")))
                .onErrorReturn(Optional.empty());
    }

    /** INFO clients carries maxclients on Redis 7; older servers need CONFIG GET, which may be disabled. */
    private static Mono<Integer> maxClients(RedisReactiveCommands<String, String> commands, Map<String, String> info) {
        Integer fromInfo = integer(info.get("maxclients"));
        if (fromInfo != null) {
            return Mono.just(fromInfo);
        }
        return commands.configGet("maxclients")
                .flatMap(config -> Mono.justOrEmpty(integer(config.get("maxclients"))))
                .onErrorResume(e -> Mono.empty());
    }

    static Map<String, String> parseInfo(String info) {
        return info.lines()
                .filter(line -> !line.startsWith("#") && line.indexOf(':') > 0)
                .collect(java.util.stream.Collectors.toMap(
                        line -> line.substring(0, line.indexOf(':')),
                        line -> line.substring(line.indexOf(':') + 1).trim(),
                        (a, b) -> b));
    }

    private static Integer integer(String value) {
        try {
            return value == null ? null : Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void record(HealthCheck check) {
        HealthCheck before = last;
        if (before != null && before.ok() != check.ok()) {
            if (check.ok()) {
                log.info("Redis health check passed again ({} ms)", check.latencyMs());
            } else {
                log.warn("Redis health check failed: {}", check.error());
            }
        }
        windowStart = previousCheck;
        previousCheck = pool.statistics().snapshot();
        last = check;
    }

    /** What went wrong in the pool since the check before the last one: one to two intervals. */
    public PoolStatistics.Snapshot recentEvents() {
        return pool.statistics().snapshot().minus(windowStart);
    }

    /** {@link #reachable} now: what readiness reports, and what sets the checking cadence. */
    public boolean isRedisReachable() {
        return reachability().reachable();
    }

    /**
     * The last check and {@link #reachable} drawn from it, read together: /health/redis shows the
     * decision made here, never one of its own, and never beside a different last check.
     */
    public Reachability reachability() {
        HealthCheck check = last;
        return new Reachability(check, reachable(check, pool.reconnectPolicy()));
    }

    /**
     * The one decision of "Redis is reachable", behind readiness, the {@code unhealthy} status of
     * /health/redis and the checking cadence: the last check passed, and the pool's latest attempt
     * to open a connection did not fail. A failed connect counts until a later one succeeds, made
     * by the pool or by a check ({@link RedisPool#probeNewConnection()}).
     */
    static boolean reachable(HealthCheck lastCheck, ReconnectPolicy reconnect) {
        return lastCheck != null && lastCheck.ok() && reconnect.consecutiveFailures() == 0;
    }

    public Duration interval() {
        return interval;
    }

    @Override
    public void destroy() {
        schedule.dispose();
    }

    /** The outcome of one check; latency and server facts are null when unknown. */
    public record HealthCheck(Instant at, boolean ok, Double latencyMs, String error,
                              Integer maxClients, Integer connectedClients, String role) {
    }

    /** @param lastCheck null before the first check has completed */
    public record Reachability(HealthCheck lastCheck, boolean reachable) {
    }

    private record Probe(double latencyMs, Integer maxClients, Integer connectedClients, String role) {
    }
}
