package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.MediaType;

/**
 * Redis killed and restarted in the middle: verification fails closed with fast 503s (never a
 * hang past the acquire timeout), issuance and revocation answer 503, readiness goes DOWN; when
 * Redis is back everything recovers by itself and no pooled connection is left lent out.
 */
class RedisOutageIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.redis.pool.health-check-interval", "2s");

    @Test
    void failsClosedFastThenRecoversWithoutLeakingConnections() throws Exception {
        String token = service.clientCredentialsToken();
        service.forwardAuth(token).expectStatus().isOk();
        awaitStatus("/actuator/health/readiness", 200);

        service.redis().stop();

        // 50 concurrent verifications: every one a 503 problem, none slower than the acquire timeout (1 s): no hang.
        long started = System.nanoTime();
        List<Integer> statuses = service.forwardAuthAtOnce(token, 50, Duration.ofSeconds(10));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        assertThat(statuses).hasSize(50).containsOnly(503);
        // Generous for a loaded CI machine; a hang would be the 15 s response timeout.
        assertThat(elapsed).isLessThan(Duration.ofSeconds(4));

        service.forwardAuth(token).expectStatus().isEqualTo(503)
                .expectHeader().valueEquals("Retry-After", "1")
                .expectBody().isEmpty();
        service.forwardAuthAskingForProblem(token).expectStatus().isEqualTo(503)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.type").isEqualTo("https://gatehouse.dev/problems/redis-unavailable");
        service.postForm("/oauth2/token", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                Map.of("grant_type", "client_credentials")).expectStatus().isEqualTo(503);
        service.postForm("/oauth2/token", AuthServiceExtension.APP_CLIENT, AuthServiceExtension.APP_SECRET,
                Map.of("grant_type", "password", "username", "u", "password", "p")).expectStatus().isEqualTo(503);
        service.postForm("/oauth2/revoke", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                Map.of("token", token)).expectStatus().isEqualTo(503);
        service.postForm("/oauth2/introspect", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                Map.of("token", token)).expectStatus().isEqualTo(503);

        awaitStatus("/actuator/health/readiness", 503);
        awaitStatus("/health/redis", 503);
        service.client().get().uri("/health/redis").exchange()
                .expectBody().jsonPath("$.status").isEqualTo("unhealthy");
        // The next PING (every 2 s here) fails too, and says why.
        awaitStatus(() -> service.client().get().uri("/health/redis").exchange()
                .expectBody(Map.class).returnResult().getResponseBody().get("health") instanceof Map<?, ?> health
                && Boolean.FALSE.equals(health.get("last_check_ok")) && health.get("last_error") != null ? 1 : 0, 1);
        service.client().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();

        service.redis().start();

        awaitStatus(() -> service.forwardAuth(token).returnResult(Void.class).getStatus().value(), 200);
        awaitStatus("/actuator/health/readiness", 200);
        service.clientCredentialsToken();
        service.client().get().uri("/health/redis").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").value(status -> assertThat(status).isIn("healthy", "degraded"))
                .jsonPath("$.pool.in_use").isEqualTo(0)
                .jsonPath("$.pool.pending").isEqualTo(0)
                .jsonPath("$.pool.reconnects_total").value(count -> assertThat(((Number) count).intValue()).isPositive());
    }

    private static void awaitStatus(String path, int expected) throws InterruptedException {
        awaitStatus(() -> service.client().get().uri(path).exchange().returnResult(Void.class).getStatus().value(), expected);
    }

    private static void awaitStatus(Supplier<Integer> status, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = status.get();
            if (last == expected) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected status " + expected + " within 15 s, last was " + last);
    }
}
