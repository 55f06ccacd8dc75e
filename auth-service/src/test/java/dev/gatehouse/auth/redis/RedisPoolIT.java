package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/** The pool's bounds against a real Redis: one connection, one waiter, a 1 s acquire timeout. */
class RedisPoolIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.redis.pool.max-connections", "1")
            .with("gatehouse.redis.pool.min-idle", "0")
            .with("gatehouse.redis.pool.max-pending-acquires", "1");

    static RedisPool pool;

    @BeforeAll
    static void findThePool() {
        pool = service.bean(RedisPool.class);
    }

    @Test
    void waitsInABoundedQueueThenTimesOutAndReportsIt() throws InterruptedException {
        PoolStatistics.Snapshot before = pool.statistics().snapshot();
        // Hold the only connection for 3 s.
        Disposable holder = pool.execute(commands -> commands.ping().then(Mono.delay(Duration.ofSeconds(3)))).subscribe();
        Thread.sleep(200);
        assertThat(pool.snapshot().inUse()).isEqualTo(1);
        assertThat(pool.snapshot().utilizationPercent()).isEqualTo(100.0);

        // The single waiter slot: this one waits, then gives up after the acquire timeout.
        long started = System.nanoTime();
        Mono<String> waiter = pool.execute(commands -> commands.ping()).cache();
        waiter.subscribe(v -> { }, e -> { });
        Thread.sleep(100);
        assertThat(pool.snapshot().pending()).isEqualTo(1);
        // The queue is full: refused at once, not queued.
        long rejectedAt = System.nanoTime();
        assertThatThrownBy(() -> pool.execute(commands -> commands.ping()).block(Duration.ofSeconds(5)))
                .isInstanceOf(RedisUnavailableException.class).hasMessageContaining("queue is full");
        assertThat(Duration.ofNanos(System.nanoTime() - rejectedAt)).isLessThan(Duration.ofMillis(300));

        assertThatThrownBy(() -> waiter.block(Duration.ofSeconds(5)))
                .isInstanceOf(RedisUnavailableException.class).hasMessageContaining("no Redis connection free");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));

        PoolStatistics.Snapshot happened = pool.statistics().snapshot().minus(before);
        assertThat(happened.acquireTimeouts()).isEqualTo(1);
        assertThat(happened.pendingRejections()).isEqualTo(1);

        holder.dispose();
        Thread.sleep(200);
        assertThat(pool.snapshot().inUse()).isZero();
        assertThat(pool.execute(commands -> commands.ping()).block(Duration.ofSeconds(5))).isEqualTo("PONG");
    }

    @Test
    void aConnectionKilledByRedisIsReplaced() {
        assertThat(pool.execute(commands -> commands.clientKill(io.lettuce.core.KillArgs.Builder.typeNormal())).onErrorResume(e -> Mono.just(0L))
                .block(Duration.ofSeconds(5))).isNotNull();
        // The killed connection fails validation and a new one is opened.
        String pong = Mono.defer(() -> pool.execute(commands -> commands.ping()))
                .retryWhen(reactor.util.retry.Retry.fixedDelay(20, Duration.ofMillis(100)))
                .block(Duration.ofSeconds(10));
        assertThat(pong).isEqualTo("PONG");
        assertThat(pool.snapshot().inUse()).isZero();
    }

    @Test
    void aProbeConnectionEndsAFailureStreakAndIsClosedAfterwards() throws InterruptedException {
        long clientsBefore = connectedClients();
        long reconnectsBefore = pool.statistics().snapshot().reconnects();
        ReconnectPolicy policy = pool.reconnectPolicy();
        policy.onFailure();
        assertThat(policy.consecutiveFailures()).isEqualTo(1);
        while (!policy.mayAttempt()) {
            Thread.sleep(10);
        }

        pool.probeNewConnection().block(Duration.ofSeconds(5));

        assertThat(policy.consecutiveFailures()).isZero();
        assertThat(pool.statistics().snapshot().reconnects()).isEqualTo(reconnectsBefore + 1);
        Thread.sleep(200);
        assertThat(connectedClients()).isEqualTo(clientsBefore);
    }

    private static long connectedClients() {
        return Long.parseLong(RedisHealthChecker.parseInfo(
                pool.execute(commands -> commands.info("clients")).block(Duration.ofSeconds(5))).get("connected_clients"));
    }
}
