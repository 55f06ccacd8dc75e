package dev.gatehouse.auth.web;

import dev.gatehouse.auth.support.AuthServiceExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The benchmark's baseline {@code GET /noop} is not part of the service: only with
 * {@code gatehouse.benchmark.noop-route=true}, as auth-service/bench runs it, is it routed; without,
 * it is a route like any unknown one.
 */
class NoopRouteIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @RegisterExtension
    static final AuthServiceExtension benchmarked = new AuthServiceExtension()
            .with("gatehouse.benchmark.noop-route", "true");

    @Test
    void noopAnswersForTheBenchmarkBaseline() {
        benchmarked.client().get().uri("/noop").exchange().expectStatus().isOk().expectBody(String.class).isEqualTo("ok");
    }

    @Test
    void isNotRoutedUnlessTheBenchmarkAsks() {
        service.client().get().uri("/noop").exchange().expectStatus().isNotFound()
                .expectHeader().contentType("application/problem+json");
        service.client().post().uri("/noop").exchange().expectStatus().isNotFound();
    }
}
