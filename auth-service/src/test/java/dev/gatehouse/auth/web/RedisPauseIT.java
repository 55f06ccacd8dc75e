package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.HealthProbe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis hung rather than crashed (issue 9): SIGSTOPped for {@link #PAUSE}, as a long fork, a VM
 * pause or a stuck host would leave it, then SIGCONT. Its sockets stay open and the kernel still
 * accepts connections, but nothing answers. Requests must fail with fast 503s meanwhile, the
 * checker must keep checking every second, and readiness and /health/redis must be back within
 * one health-check interval of Redis answering again.
 */
class RedisPauseIT {

    static final Duration PAUSE = Duration.ofSeconds(20);
    static final Duration INTERVAL = Duration.ofSeconds(3);
    /** Scheduling, a loaded CI machine and the poll period of this test. */
    static final Duration MARGIN = Duration.ofMillis(1500);

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.redis.pool.health-check-interval", INTERVAL.toSeconds() + "s");

    @Test
    void pausedRedisFailsFastAndIsBackWithinOneIntervalOfAnsweringAgain() throws Exception {
        String token = service.clientCredentialsToken();
        service.forwardAuth(token).expectStatus().isOk();
        HealthProbe.awaitHealthy(service, Duration.ofSeconds(15));

        service.redis().pause();
        long pausedAt = System.nanoTime();
        try {
            // More concurrent verifications than pooled connections: some wait for a connection,
            // some open new ones to a Redis that accepts TCP but never answers. All 503, none hangs:
            // the command timeout (1 s) plus the acquire timeout (1 s) at most.
            for (int round = 0; round < 3; round++) {
                long started = System.nanoTime();
                List<Integer> statuses = service.forwardAuthAtOnce(token, 30, Duration.ofSeconds(15));
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                assertThat(statuses).hasSize(30).containsOnly(503);
                assertThat(elapsed).isLessThan(Duration.ofSeconds(2).plus(MARGIN));
            }
            HealthProbe.awaitStatus(service, "/actuator/health/readiness", 503, Duration.ofSeconds(5));

            // While unhealthy the checker checks every second, even though every PING hangs.
            List<Instant> checks = HealthProbe.distinctLastChecks(service, 5, Duration.ofSeconds(10));
            for (int i = 1; i < checks.size(); i++) {
                assertThat(Duration.between(checks.get(i - 1), checks.get(i)))
                        .as("time between checks %s", checks).isLessThan(Duration.ofMillis(1600));
            }

            Duration left = PAUSE.minusNanos(System.nanoTime() - pausedAt);
            if (!left.isNegative()) {
                Thread.sleep(left.toMillis());
            }
        } finally {
            service.redis().resume();
        }
        long resumedAt = System.nanoTime();
        HealthProbe.awaitHealthy(service, INTERVAL.plus(MARGIN));
        System.out.println("recovered " + Duration.ofNanos(System.nanoTime() - resumedAt).toMillis() + " ms after SIGCONT");
        service.forwardAuth(token).expectStatus().isOk();
        service.clientCredentialsToken();
    }
}
