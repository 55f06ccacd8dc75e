package dev.gatehouse.auth.web;

import dev.gatehouse.auth.redis.RedisHealthReport;
import dev.gatehouse.auth.redis.RedisHealthReporter;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code GET /health/redis} (docs/health-redis.md): 200 unless unhealthy, then 503; same body shape. */
@Component
public class RedisHealthHandler {

    private final RedisHealthReporter reporter;

    public RedisHealthHandler(RedisHealthReporter reporter) {
        this.reporter = reporter;
    }

    public Mono<ServerResponse> report(ServerRequest request) {
        RedisHealthReport report = reporter.report();
        return ServerResponse.status(report.status() == RedisHealthReport.Status.unhealthy ? 503 : 200)
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .bodyValue(report);
    }
}
