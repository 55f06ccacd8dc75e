package dev.gatehouse.auth.web;

import dev.gatehouse.auth.support.AuthServiceExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The benchmark's baseline {@code GET /noop} is not part of the service: without
 * {@code gatehouse.benchmark.noop-route=true} it is a route like any unknown one. With it, see
 * {@link HealthAndMetricsIT#noopAnswersForTheBenchmarkBaseline()}.
 */
class NoopRouteIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @Test
    void isNotRoutedUnlessTheBenchmarkAsks() {
        service.client().get().uri("/noop").exchange().expectStatus().isNotFound()
                .expectHeader().contentType("application/problem+json");
        service.client().post().uri("/noop").exchange().expectStatus().isNotFound();
    }
}
