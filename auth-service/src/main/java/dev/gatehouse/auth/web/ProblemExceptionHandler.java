package dev.gatehouse.auth.web;

import dev.gatehouse.auth.grant.GrantException;
import dev.gatehouse.auth.redis.RedisUnavailableException;
import dev.gatehouse.auth.token.InvalidTokenException;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every error of every route into {@code application/problem+json}; it runs before Spring
 * Boot's own error handler, so no error body of another shape ever leaves the service. Messages of
 * our exceptions are written for callers; anything unexpected becomes a bare 500 with the cause
 * logged, never echoed.
 */
@Component
@Order(-2)
public class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final JsonMapper json;

    public ProblemExceptionHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(error);
        }
        String path = exchange.getRequest().getPath().value();
        HttpHeaders headers = response.getHeaders();
        Problem problem = toProblem(error, path, headers);
        response.setStatusCode(HttpStatus.valueOf(problem.status()));
        headers.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        headers.setCacheControl("no-store");
        byte[] body = json.writeValueAsBytes(problem);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    private Problem toProblem(Throwable error, String path, HttpHeaders headers) {
        if (error instanceof InvalidTokenException) {
            headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            return Problem.of(401, "invalid-token", "Invalid bearer token", error.getMessage(), path);
        }
        if (error instanceof GrantException grant) {
            if (grant.status() == 401) {
                headers.set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"");
            }
            if (grant.status() == 429) {
                headers.set(HttpHeaders.RETRY_AFTER, "60");
                return Problem.of(429, "locked-out", "Too many failed logins", grant.getMessage(), path)
                        .withError(grant.error());
            }
            return Problem.of(grant.status(), grant.error().replace('_', '-'), "OAuth error: " + grant.error(),
                    grant.getMessage(), path).withError(grant.error());
        }
        if (error instanceof RedisUnavailableException) {
            headers.set(HttpHeaders.RETRY_AFTER, "1");
            return Problem.of(503, "redis-unavailable", "Redis unavailable", error.getMessage(), path);
        }
        if (error instanceof RejectedExecutionException) {
            headers.set(HttpHeaders.RETRY_AFTER, "1");
            return Problem.of(503, "busy", "Too many password checks in progress", "try again shortly", path);
        }
        if (error instanceof DataBufferLimitException) {
            return Problem.of(413, "too-large", "Request body too large", null, path);
        }
        if (error instanceof ResponseStatusException status) {
            HttpStatus code = HttpStatus.resolve(status.getStatusCode().value());
            String title = code == null ? "Error" : code.getReasonPhrase();
            if (status.getStatusCode().value() == 401) {
                headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            }
            return Problem.of(status.getStatusCode().value(), slug(title), title, status.getReason(), path);
        }
        log.error("Unexpected error on {}", path, error);
        return Problem.of(500, "internal", "Internal error", null, path);
    }

    private static String slug(String title) {
        return title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
    }
}
