package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The /health/redis contract (docs/health-redis.md), the probes, and the Prometheus metrics. */
class HealthAndMetricsIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @Test
    void healthRedisCarriesEveryContractField() throws InterruptedException {
        awaitFirstCheck();
        service.client().get().uri("/health/redis").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("healthy")
                .jsonPath("$.environment").isEqualTo("test/auth")
                .jsonPath("$.redis.host").isEqualTo("127.0.0.1")
                .jsonPath("$.redis.port").isEqualTo(service.redis().port())
                .jsonPath("$.redis.maxclients").isEqualTo(1000)
                .jsonPath("$.redis.connected_clients").value(n -> assertThat(((Number) n).intValue()).isPositive())
                .jsonPath("$.pool.max_connections").isEqualTo(8)
                .jsonPath("$.pool.in_use").isEqualTo(0)
                .jsonPath("$.pool.idle").exists()
                .jsonPath("$.pool.available_connections").isEqualTo(8)
                .jsonPath("$.pool.pending").isEqualTo(0)
                .jsonPath("$.pool.utilization_percent").isEqualTo(0.0)
                .jsonPath("$.health.check_interval_seconds").isEqualTo(30)
                .jsonPath("$.health.last_check").exists()
                .jsonPath("$.health.last_check_ok").isEqualTo(true)
                .jsonPath("$.health.latency_ms").value(ms -> assertThat(((Number) ms).doubleValue()).isBetween(0.0, 1000.0))
                .jsonPath("$.health.retry_policy.strategy").isEqualTo("exponential_backoff_full_jitter")
                .jsonPath("$.health.retry_policy.initial_delay_ms").isEqualTo(100)
                .jsonPath("$.health.retry_policy.max_delay_ms").isEqualTo(500)
                .jsonPath("$.warnings").isArray()
                .jsonPath("$.warnings.length()").isEqualTo(0)
                .jsonPath("$.timestamp").exists();
    }

    @Test
    void probesAreUp() {
        service.client().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        service.client().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void prometheusExposesRequestsTokenOutcomesAndPool() {
        String token = service.clientCredentialsToken();
        service.forwardAuth(token).expectStatus().isOk();
        service.forwardAuth("garbage").expectStatus().isUnauthorized();
        String metrics = service.client().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics)
                .contains("http_server_requests_seconds_count")
                .contains("gatehouse_tokens_issued_total{")
                .contains("gatehouse_tokens_verifications_total{")
                .containsPattern("gatehouse_tokens_verifications_total\\{[^}]*outcome=\"valid\"[^}]*} [1-9]")
                .containsPattern("gatehouse_tokens_verifications_total\\{[^}]*outcome=\"invalid\"[^}]*} [1-9]")
                .contains("gatehouse_redis_pool_in_use")
                .contains("gatehouse_redis_pool_idle")
                .contains("gatehouse_redis_pool_pending")
                .contains("gatehouse_redis_pool_max")
                .contains("gatehouse_redis_pool_acquire_seconds_count")
                .contains("gatehouse_redis_pool_acquire_timeouts_total");
    }

    @Test
    void everyGatehouseMetricSaysWhatItCounts() {
        service.clientCredentialsToken();
        service.postForm("/oauth2/token", AuthServiceExtension.APP_CLIENT, AuthServiceExtension.APP_SECRET,
                Map.of("grant_type", "password", "username", "nobody", "password", "p")).expectStatus().is4xxClientError();
        String metrics = service.client().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        List<String> help = metrics.lines().filter(line -> line.startsWith("# HELP gatehouse_")).toList();
        assertThat(help).anyMatch(line -> line.startsWith("# HELP gatehouse_tokens_issued_total "))
                .anyMatch(line -> line.startsWith("# HELP gatehouse_tokens_grant_refused_total "));
        assertThat(help).allSatisfy(line -> assertThat(line.split(" ", 4)).hasSize(4)
                .satisfies(parts -> assertThat(parts[3]).as(line).isNotBlank()));
    }

    @Test
    void unknownRoutesAreProblemsToo() {
        service.client().get().uri("/no/such/route").exchange().expectStatus().isNotFound()
                .expectHeader().contentType("application/problem+json");
    }

    private static void awaitFirstCheck() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline
                && service.client().get().uri("/health/redis").exchange().returnResult(Void.class).getStatus().value() != 200) {
            Thread.sleep(100);
        }
    }
}
