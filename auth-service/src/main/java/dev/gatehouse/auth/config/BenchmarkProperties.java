package dev.gatehouse.auth.config;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What only the load benchmark (auth-service/bench) turns on. The operator never sets these.
 *
 * @param noopRoute serve {@code GET /noop}, the benchmark's baseline: the same server doing no work
 */
public record BenchmarkProperties(@DefaultValue("false") boolean noopRoute) {
}
