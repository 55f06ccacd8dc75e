package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.GatehouseProperties;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * PINGs Redis through the pool every {@code health-check-interval} and records the outcome and the
 * round-trip latency, plus the server's {@code connected_clients} and {@code maxclients}. While Redis
 * is unreachable it checks every second instead, so readiness turns back to UP soon after Redis
 * returns rather than up to one full interval later.
 */
@Component
public class RedisHealthChecker implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RedisHealthChecker.class);
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    private final RedisPool pool;
    private final Duration interval;
    private final Clock clock;
    private volatile HealthCheck last;
    private volatile PoolStatistics.Snapshot windowStart = PoolStatistics.Snapshot.ZERO;
    private volatile PoolStatistics.Snapshot previousCheck = PoolStatistics.Snapshot.ZERO;
    private final Disposable schedule;

    @Autowired
    public RedisHealthChecker(RedisPool pool, GatehouseProperties properties) {
        this(pool, properties.redis().pool().healthCheckInterval(), Clock.systemUTC());
    }

    RedisHealthChecker(RedisPool pool, Duration interval, Clock clock) {
        this.pool = pool;
        this.interval = interval;
        this.clock = clock;
        this.schedule = Mono.defer(this::check)
                .then(Mono.defer(() -> Mono.delay(nextDelay(), Schedulers.parallel())))
                .repeat()
                .subscribe();
    }

    private Duration nextDelay() {
        HealthCheck check = last;
        return check != null && check.ok() || interval.compareTo(RETRY_INTERVAL) < 0 ? interval : RETRY_INTERVAL;
    }

    /** Runs one check now and records it; never fails. */
    public Mono<HealthCheck> check() {
        Instant at = clock.instant();
        return pool.execute(this::probe)
                .map(probe -> new HealthCheck(at, true, probe.latencyMs(), null, probe.maxClients(), probe.connectedClients()))
                .onErrorResume(e -> Mono.just(new HealthCheck(at, false, null, e.getMessage(), null, null)))
                .doOnNext(this::record);
    }

    private Mono<Probe> probe(RedisReactiveCommands<String, String> commands) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return commands.ping().map(pong -> (System.nanoTime() - started) / 1_000_000.0);
        }).flatMap(latency -> commands.info("clients")
                .map(RedisHealthChecker::parseInfo)
                .onErrorReturn(Map.of())
                .flatMap(info -> maxClients(commands, info)
                        .map(max -> new Probe(latency, max, integer(info.get("connected_clients"))))
                        .defaultIfEmpty(new Probe(latency, null, integer(info.get("connected_clients"))))));
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

    public Optional<HealthCheck> lastCheck() {
        return Optional.ofNullable(last);
    }

    /** What went wrong in the pool since the check before the last one: one to two intervals. */
    public PoolStatistics.Snapshot recentEvents() {
        return pool.statistics().snapshot().minus(windowStart);
    }

    /** True while the last check passed and the pool is not backing off from a failed connect. */
    public boolean isRedisReachable() {
        HealthCheck check = last;
        return check != null && check.ok() && pool.reconnectPolicy().consecutiveFailures() == 0;
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
                              Integer maxClients, Integer connectedClients) {
    }

    private record Probe(double latencyMs, Integer maxClients, Integer connectedClients) {
    }
}
