package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.config.ReconnectProperties;
import dev.gatehouse.auth.support.Contracts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class RedisHealthReportTest {

    private static final Instant NOW = Instant.parse("2026-11-26T04:00:00Z");
    private static final RedisHealthReport.Server SERVER = new RedisHealthReport.Server("redis", 6379, false, null, null, null, null);
    private static final RedisHealthChecker.HealthCheck OK =
            new RedisHealthChecker.HealthCheck(NOW, true, 0.4, null, 10000, 12, "master");
    private static final RedisHealthChecker.HealthCheck FAILED =
            new RedisHealthChecker.HealthCheck(NOW, false, null, "Connection refused", null, null, null);
    private final ReconnectPolicy reconnect =
            new ReconnectPolicy(new ReconnectProperties(Duration.ofMillis(100), Duration.ofSeconds(10)));

    private RedisHealthReport report(int inUse, PoolStatistics.Snapshot recent, RedisHealthChecker.HealthCheck check) {
        return RedisHealthReport.of("ns/auth", SERVER, new RedisPool.PoolSnapshot(10, inUse, 10 - inUse, 10, 0, 100),
                PoolStatistics.Snapshot.ZERO, recent, reachability(check), 30, reconnect, 80, NOW);
    }

    /** What the checker decides from this check and the pool's connects: the report only shows it. */
    private RedisHealthChecker.Reachability reachability(RedisHealthChecker.HealthCheck check) {
        return new RedisHealthChecker.Reachability(check, RedisHealthChecker.reachable(check, reconnect));
    }

    @Test
    void quietPoolWithAnsweringRedisIsHealthy() {
        RedisHealthReport report = report(3, PoolStatistics.Snapshot.ZERO, OK);
        assertThat(report.status()).isEqualTo(RedisHealthReport.Status.healthy);
        assertThat(report.warnings()).isEmpty();
        assertThat(report.pool().utilizationPercent()).isEqualTo(30.0);
        assertThat(report.pool().availableConnections()).isEqualTo(7);
        assertThat(report.redis().maxclients()).isEqualTo(10000);
        assertThat(report.redis().connectedClients()).isEqualTo(12);
    }

    @Test
    void utilizationAboveTheThresholdIsDegraded() {
        assertThat(report(8, PoolStatistics.Snapshot.ZERO, OK).status()).isEqualTo(RedisHealthReport.Status.healthy);
        RedisHealthReport report = report(9, PoolStatistics.Snapshot.ZERO, OK);
        assertThat(report.status()).isEqualTo(RedisHealthReport.Status.degraded);
        // The code the operator reads (contracts/health-redis/degraded.json): it takes the decision from here.
        assertThat(report.warnings()).extracting(RedisHealthReport.Warning::code)
                .containsExactly(sampleWarningCode("degraded.json"));
    }

    @Test
    void exactlyAtTheThresholdIsNotHighUtilization() {
        RedisHealthReport report = RedisHealthReport.of("ns/auth", SERVER, new RedisPool.PoolSnapshot(10, 8, 2, 10, 0, 100),
                PoolStatistics.Snapshot.ZERO, PoolStatistics.Snapshot.ZERO, reachability(OK), 30, reconnect, 80, NOW);
        assertThat(report.pool().utilizationPercent()).isEqualTo(80.0);
        assertThat(report.warnings()).isEmpty();
    }

    private static String sampleWarningCode(String sample) {
        try {
            return JsonMapper.builder().build().readTree(Files.readString(Contracts.path("health-redis", sample)))
                    .path("warnings").path(0).path("code").asString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void recentTimeoutsRejectionsAndReconnectsAreWarnings() {
        RedisHealthReport report = report(1, new PoolStatistics.Snapshot(2, 3, 0, 1, 1), OK);
        assertThat(report.status()).isEqualTo(RedisHealthReport.Status.degraded);
        assertThat(report.warnings()).extracting(RedisHealthReport.Warning::code)
                .containsExactly("AcquireTimeouts", "PendingQueueFull", "Reconnects");
    }

    @Test
    void failedCheckOrConnectBackoffIsUnhealthy() {
        RedisHealthReport report = report(0, PoolStatistics.Snapshot.ZERO, FAILED);
        assertThat(report.status()).isEqualTo(RedisHealthReport.Status.unhealthy);
        assertThat(report.health().lastError()).isEqualTo("Connection refused");
        assertThat(report.redis().maxclients()).isNull();

        reconnect.onFailure();
        assertThat(report(0, PoolStatistics.Snapshot.ZERO, OK).status()).isEqualTo(RedisHealthReport.Status.unhealthy);
    }

    @Test
    void noCheckYetIsUnhealthyAndSaysSo() {
        RedisHealthReport report = report(0, PoolStatistics.Snapshot.ZERO, null);
        assertThat(report.status()).isEqualTo(RedisHealthReport.Status.unhealthy);
        assertThat(report.warnings()).extracting(RedisHealthReport.Warning::code).containsExactly("NotYetChecked");
        assertThat(report.health().lastCheck()).isNull();
    }
}
