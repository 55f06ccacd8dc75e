package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.config.ReconnectProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisHealthCheckerTest {

    private static final Instant NOW = Instant.parse("2026-11-26T04:00:00Z");
    private static final RedisHealthChecker.HealthCheck OK =
            new RedisHealthChecker.HealthCheck(NOW, true, 0.4, null, 10000, 12, "master");
    private static final RedisHealthChecker.HealthCheck FAILED =
            new RedisHealthChecker.HealthCheck(NOW, false, null, "Connection refused", null, null, null);
    private static final Duration INTERVAL = Duration.ofSeconds(30);

    private final ReconnectPolicy reconnect =
            new ReconnectPolicy(new ReconnectProperties(Duration.ofMillis(100), Duration.ofSeconds(10)));

    @Test
    void parsesInfoClients() {
        Map<String, String> info = RedisHealthChecker.parseInfo(
                "# Clients\r\nconnected_clients:7\r\ncluster_connections:0\r\nmaxclients:10000\r\nblocked_clients:0\r\n");
        assertThat(info).containsEntry("connected_clients", "7").containsEntry("maxclients", "10000")
                .doesNotContainKey("# Clients");
    }

    @Test
    void reachableNeedsAPassedCheckAndNoFailedConnectSinceTheLastGoodOne() {
        assertThat(RedisHealthChecker.reachable(OK, reconnect)).isTrue();
        assertThat(RedisHealthChecker.reachable(FAILED, reconnect)).isFalse();
        assertThat(RedisHealthChecker.reachable(null, reconnect)).isFalse();

        // Issue 9: PING passes on a pooled connection that lived through the hang, the backoff is
        // over, but the connect attempted during the hang failed: not reachable until one succeeds.
        reconnect.onFailure();
        assertThat(RedisHealthChecker.reachable(OK, reconnect)).isFalse();
        reconnect.onSuccess();
        assertThat(RedisHealthChecker.reachable(OK, reconnect)).isTrue();
    }

    @Test
    void checksEveryIntervalWhileReachableAndEverySecondOtherwiseCountedFromTheStartOfTheCheck() {
        assertThat(RedisHealthChecker.nextDelay(true, INTERVAL, Duration.ofMillis(2))).isEqualTo(Duration.ofMillis(29_998));
        assertThat(RedisHealthChecker.nextDelay(false, INTERVAL, Duration.ofMillis(2))).isEqualTo(Duration.ofMillis(998));
        // A check that hung until its timeout: the next one starts at once, not a second later.
        assertThat(RedisHealthChecker.nextDelay(false, INTERVAL, Duration.ofMillis(1000))).isEqualTo(Duration.ZERO);
        assertThat(RedisHealthChecker.nextDelay(false, INTERVAL, Duration.ofMillis(1300))).isEqualTo(Duration.ZERO);
        // An interval shorter than a second is kept while unreachable too.
        assertThat(RedisHealthChecker.nextDelay(false, Duration.ofMillis(500), Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void unreachableForAnyReasonMeansTheOneSecondCadence() {
        reconnect.onFailure();
        assertThat(RedisHealthChecker.nextDelay(RedisHealthChecker.reachable(OK, reconnect), INTERVAL, Duration.ZERO))
                .isEqualTo(RedisHealthChecker.UNHEALTHY_INTERVAL);
        assertThat(RedisHealthChecker.nextDelay(RedisHealthChecker.reachable(null, reconnect), INTERVAL, Duration.ZERO))
                .isEqualTo(RedisHealthChecker.UNHEALTHY_INTERVAL);
    }

    @Test
    void aCheckIsBoundedByTheCommandTimeoutButNeverShorterThanTheUnhealthyCadence() {
        assertThat(RedisHealthChecker.checkTimeout(Duration.ofMillis(200))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RedisHealthChecker.checkTimeout(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(RedisHealthChecker.checkTimeout(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }
}
