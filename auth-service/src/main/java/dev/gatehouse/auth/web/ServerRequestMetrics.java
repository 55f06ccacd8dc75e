package dev.gatehouse.auth.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * {@code http.server.requests} for the route Netty serves directly ({@link IntrospectionRoute}),
 * with the tags Spring's own observation gives the WebFlux routes (method, uri, status, outcome,
 * exception, error), so one metric, one dashboard and one alert cover every endpoint. Prometheus
 * needs the same tag keys on every series of a name; HealthAndMetricsIT checks that both kinds land
 * in one family.
 */
@Component
class ServerRequestMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    ServerRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param error what made the answer an error, or null */
    void record(String method, String uri, int status, Throwable error, long startedNanos) {
        String exception = error == null ? "none" : error.getClass().getSimpleName();
        String key = method + ' ' + uri + ' ' + status + ' ' + exception;
        timers.computeIfAbsent(key, unused -> Timer.builder("http.server.requests")
                        .tag("method", method)
                        .tag("uri", uri)
                        .tag("status", Integer.toString(status))
                        .tag("outcome", outcome(status))
                        .tag("exception", exception)
                        .tag("error", exception)
                        .register(registry))
                .record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
    }

    private static String outcome(int status) {
        return switch (status / 100) {
            case 1 -> "INFORMATIONAL";
            case 2 -> "SUCCESS";
            case 3 -> "REDIRECTION";
            case 4 -> "CLIENT_ERROR";
            case 5 -> "SERVER_ERROR";
            default -> "UNKNOWN";
        };
    }
}
