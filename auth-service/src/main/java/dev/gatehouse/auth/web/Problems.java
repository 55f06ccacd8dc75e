package dev.gatehouse.auth.web;

import dev.gatehouse.auth.grant.GrantException;
import dev.gatehouse.auth.grant.ThrottledException;
import dev.gatehouse.auth.redis.RedisUnavailableException;
import dev.gatehouse.auth.token.InvalidTokenException;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/**
 * The problem every error becomes, and the headers that go with it ({@code WWW-Authenticate},
 * {@code Retry-After}): one mapping for the WebFlux routes ({@link ProblemExceptionHandler}) and
 * the route served by Netty directly ({@link IntrospectionRoute}). Messages of our exceptions are
 * written for callers; anything unexpected becomes a bare 500 with the cause logged, never echoed.
 */
final class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /** @param header receives each response header the problem needs */
    static Problem of(Throwable error, String path, BiConsumer<String, String> header) {
        if (error instanceof InvalidTokenException) {
            header.accept(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            return Problem.of(401, "invalid-token", "Invalid bearer token", error.getMessage(), path);
        }
        if (error instanceof GrantException grant) {
            if (grant.status() == 401) {
                header.accept(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"");
            }
            if (grant.status() == 429) {
                header.accept(HttpHeaders.RETRY_AFTER, grant instanceof ThrottledException throttled
                        ? Long.toString(throttled.retryAfterSeconds()) : "60");
                return Problem.of(429, "locked-out", "Too many failed logins", grant.getMessage(), path)
                        .withError(grant.error());
            }
            return Problem.of(grant.status(), grant.error().replace('_', '-'), "OAuth error: " + grant.error(),
                    grant.getMessage(), path).withError(grant.error());
        }
        if (error instanceof RedisUnavailableException) {
            header.accept(HttpHeaders.RETRY_AFTER, "1");
            return Problem.of(503, "redis-unavailable", "Redis unavailable", error.getMessage(), path);
        }
        if (error instanceof RejectedExecutionException) {
            header.accept(HttpHeaders.RETRY_AFTER, "1");
            return Problem.of(503, "busy", "Too many password checks in progress", "try again shortly", path);
        }
        if (error instanceof DataBufferLimitException) {
            return Problem.of(413, "too-large", "Request body too large", null, path);
        }
        if (error instanceof ResponseStatusException status) {
            HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
            String title = code == null ? "Error" : code.getReasonPhrase();
            if (status.getStatusCode().value() == 401) {
                header.accept(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            }
            return Problem.of(status.getStatusCode().value(), slug(title), title, status.getReason(), path);
        }
        log.error("Unexpected error on {}", path, error);
        return Problem.of(500, "internal", "Internal error", null, path);
    }

    private static String slug(String title) {
        return title.toLowerCase(Locale.ROOT).replace(' ', '-');
    }
}
