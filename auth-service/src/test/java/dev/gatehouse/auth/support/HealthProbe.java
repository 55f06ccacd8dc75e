package dev.gatehouse.auth.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Polls readiness and /health/redis the way the kubelet and the operator's observer do. */
public final class HealthProbe {

    private HealthProbe() {
    }

    /** Readiness UP and /health/redis 200 (healthy, or degraded by transient warnings only). */
    public static void awaitHealthy(AuthServiceExtension service, Duration within) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + within.toNanos();
        String lastBody = null;
        int readiness = -1;
        while (System.nanoTime() < deadline) {
            readiness = status(service, "/actuator/health/readiness");
            var result = service.client().get().uri("/health/redis").exchange()
                    .expectBody(String.class).returnResult();
            lastBody = result.getResponseBody();
            if (readiness == 200 && result.getStatus().value() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not healthy within " + within.toMillis() + " ms: readiness " + readiness
                + ", /health/redis " + lastBody);
    }

    public static void awaitStatus(AuthServiceExtension service, String path, int expected, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = status(service, path);
            if (last == expected) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("expected " + expected + " from " + path + " within " + within + ", last " + last);
    }

    /** The next {@code count} distinct {@code health.last_check} values of /health/redis. */
    @SuppressWarnings("unchecked")
    public static List<Instant> distinctLastChecks(AuthServiceExtension service, int count, Duration within)
            throws InterruptedException {
        List<Instant> checks = new ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        while (checks.size() < count && System.nanoTime() < deadline) {
            Map<String, Object> body = service.client().get().uri("/health/redis").exchange()
                    .expectBody(Map.class).returnResult().getResponseBody();
            Object at = ((Map<String, Object>) body.get("health")).get("last_check");
            if (at != null) {
                Instant instant = Instant.parse(at.toString());
                if (checks.isEmpty() || !checks.get(checks.size() - 1).equals(instant)) {
                    checks.add(instant);
                }
            }
            Thread.sleep(50);
        }
        assertThat(checks).as("distinct checks within %s", within).hasSize(count);
        return checks;
    }

    public static int status(AuthServiceExtension service, String path) {
        return service.client().get().uri(path).exchange().returnResult(Void.class).getStatus().value();
    }
}
