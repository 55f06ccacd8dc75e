package dev.gatehouse.auth.web;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Help text for the meters Spring registers without one and the service's dashboards read: the
 * request timers (which {@link ServerRequestMetrics} also feeds, for the Netty route) and the
 * scheduled tasks (key and certificate reloads, Redis health checks). Prometheus shows one help
 * per family, whichever meter registers first; this filter gives every meter of the family the same.
 */
@Component
public class MetricDescriptions implements MeterFilter {

    private static final Map<String, String> DESCRIPTIONS = Map.of(
            "http.server.requests", "HTTP requests served, by method, route, status and outcome",
            "http.server.requests.active", "HTTP requests in progress",
            "tasks.scheduled.execution", "Runs of scheduled tasks: signing-key and certificate reloads, Redis health checks",
            "tasks.scheduled.execution.active", "Scheduled tasks running now");

    @Override
    public Meter.Id map(Meter.Id id) {
        String description = DESCRIPTIONS.get(id.getName());
        if (description == null || id.getDescription() != null) {
            return id;
        }
        return new Meter.Id(id.getName(), io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                id.getBaseUnit(), description, id.getType());
    }
}
