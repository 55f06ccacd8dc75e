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

    /**
     * Seconds a client should wait after a 503: an outage or a full queue is usually over in that
     * time, and the pool's reconnect backoff starts well below it. Proxies that cannot pass the
     * service's header on repeat this value (examples/envoy).
     */
    static final String UNAVAILABLE_RETRY_AFTER = "1";

    /** @param header receives each response header the problem needs */
    static Problem of(Throwable error, String path, BiConsumer<String, String> header) {
        if (error instanceof InvalidTokenException) {
            header.accept(HttpHeaders.WWW_AUTHENTICATE,
                    "Bearer error=\"invalid_token\", error_description=\"" + errorDescription(error.getMessage()) + "\"");
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
            header.accept(HttpHeaders.RETRY_AFTER, UNAVAILABLE_RETRY_AFTER);
            return Problem.of(503, "redis-unavailable", "Redis unavailable", error.getMessage(), path);
        }
        if (error instanceof RejectedExecutionException) {
            header.accept(HttpHeaders.RETRY_AFTER, UNAVAILABLE_RETRY_AFTER);
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
        // A bug: logged with its stack trace, but with every message of the cause chain redacted,
        // since an exception message may quote input (a password, a token) that reached it.
        log.error("Unexpected error on {}", path, Redacted.of(error));
        return Problem.of(500, "internal", "Internal error", null, path);
    }

    /** The OAuth endpoints whose errors are {@link #oauth} bodies. */
    static boolean isOAuthEndpoint(String path) {
        return "/oauth2/token".equals(path) || "/oauth2/revoke".equals(path) || IntrospectionRoute.PATH.equals(path);
    }

    /**
     * The problem as an OAuth error body (RFC 6749 §5.2, RFC 7009 §2.2.1, RFC 7662 §2.3): an
     * {@code error} code on every problem (server_error, temporarily_unavailable or invalid_request
     * where no OAuth error applies) and an {@code error_description} of only the characters
     * §5.2 allows, beside the problem members, in one body served as {@code application/json}.
     */
    static Problem oauth(Problem problem) {
        String error = problem.error();
        if (error == null) {
            error = problem.status() >= 500 ? (problem.status() == 503 ? "temporarily_unavailable" : "server_error")
                    : problem.status() == 401 ? "invalid_client" : "invalid_request";
        }
        String description = problem.detail() != null ? problem.detail() : problem.title();
        return problem.withError(error).withErrorDescription(errorDescription(description));
    }

    /** RFC 6749 §5.2 and RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E; anything else becomes '?'. */
    static String errorDescription(String text) {
        StringBuilder description = new StringBuilder(text.length());
        text.chars().forEach(c -> description.append(
                c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? (char) c : '?'));
        return description.toString();
    }

    /**
     * A stand-in for an unexpected exception in the log: its class and stack trace, and its causes',
     * but no message, which may quote what a client sent.
     */
    static final class Redacted extends RuntimeException {

        private Redacted(Throwable original) {
            super(original.getClass().getName() + " (message redacted)",
                    original.getCause() == null || original.getCause() == original ? null : new Redacted(original.getCause()),
                    false, true);
            setStackTrace(original.getStackTrace());
        }

        static Redacted of(Throwable original) {
            return new Redacted(original);
        }
    }

    private static String slug(String title) {
        return title.toLowerCase(Locale.ROOT).replace(' ', '-');
    }
}
