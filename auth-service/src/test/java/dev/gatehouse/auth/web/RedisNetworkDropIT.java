package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.HealthProbe;
import dev.gatehouse.auth.support.TcpProxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The network between the pod and Redis drops (issue 9) while Redis itself stays fine: the service
 * talks to Redis through a {@link TcpProxy} that stops forwarding for {@link #OUTAGE} and then
 * either forwards again (the partition heals, connections survive) or resets every connection.
 * Either way readiness and /health/redis are back within one health-check interval.
 */
class RedisNetworkDropIT {

    static final Duration OUTAGE = RedisPauseIT.PAUSE;
    static final Duration INTERVAL = RedisPauseIT.INTERVAL;
    static final Duration MARGIN = RedisPauseIT.MARGIN;

    static final TcpProxy proxy = new TcpProxy(() -> RedisNetworkDropIT.service.redis().port());

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.redis.port", Integer.toString(proxy.port()))
            .with("gatehouse.redis.pool.health-check-interval", INTERVAL.toSeconds() + "s");

    @AfterAll
    static void closeProxy() {
        proxy.close();
    }

    @Test
    void partitionThatHealsIsBackWithinOneInterval() throws Exception {
        String token = outage();
        proxy.heal();
        long healedAt = System.nanoTime();
        HealthProbe.awaitHealthy(service, INTERVAL.plus(MARGIN));
        System.out.println("recovered " + Duration.ofNanos(System.nanoTime() - healedAt).toMillis() + " ms after healing");
        service.forwardAuth(token).expectStatus().isOk();
    }

    @Test
    void partitionThatEndsInResetsIsBackWithinOneInterval() throws Exception {
        String token = outage();
        proxy.dropConnections();
        proxy.heal();
        long healedAt = System.nanoTime();
        HealthProbe.awaitHealthy(service, INTERVAL.plus(MARGIN));
        System.out.println("recovered " + Duration.ofNanos(System.nanoTime() - healedAt).toMillis() + " ms after the resets");
        service.forwardAuth(token).expectStatus().isOk();
    }

    /** Healthy first, then no byte gets through for {@link #OUTAGE}, with requests failing fast meanwhile. */
    private String outage() throws Exception {
        HealthProbe.awaitHealthy(service, Duration.ofSeconds(15));
        String token = service.clientCredentialsToken();
        service.forwardAuth(token).expectStatus().isOk();

        proxy.blackhole();
        long started = System.nanoTime();
        long burst = System.nanoTime();
        List<Integer> statuses = service.forwardAuthAtOnce(token, 30, Duration.ofSeconds(15));
        assertThat(statuses).hasSize(30).containsOnly(503);
        // The command timeout (1 s) plus the acquire timeout (1 s) at most: no hang.
        assertThat(Duration.ofNanos(System.nanoTime() - burst)).isLessThan(Duration.ofSeconds(2).plus(MARGIN));
        HealthProbe.awaitStatus(service, "/actuator/health/readiness", 503, Duration.ofSeconds(5));
        HealthProbe.awaitStatus(service, "/health/redis", 503, Duration.ofSeconds(1));

        Duration left = OUTAGE.minusNanos(System.nanoTime() - started);
        if (!left.isNegative()) {
            Thread.sleep(left.toMillis());
        }
        return token;
    }
}
