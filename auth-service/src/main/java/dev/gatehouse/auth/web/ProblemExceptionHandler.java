package dev.gatehouse.auth.web;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns every error of every WebFlux route into {@code application/problem+json} ({@link Problems}),
 * or, on the OAuth endpoints, the same problem as an RFC 6749 error body in {@code application/json};
 * forward-auth refusals have no body unless asked for; it runs before Spring Boot's own error handler, so no error body of another shape ever leaves the
 * service.
 */
@Component
@Order(-2)
public class ProblemExceptionHandler implements WebExceptionHandler {

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
        Problem problem = Problems.of(error, path, headers::set);
        boolean oauth = Problems.isOAuthEndpoint(path);
        if (oauth) {
            problem = Problems.oauth(problem);
            if (problem.status() == 401) {
                // RFC 6749 §5.2: invalid_client by a client that used (or could use) Basic.
                headers.set(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"");
            }
        }
        response.setStatusCode(HttpStatus.valueOf(problem.status()));
        headers.setCacheControl("no-store");
        if (ForwardAuthHandler.serves(path) && !asksForProblem(exchange)) {
            // nginx's auth_request reads the status and headers of the answer, never its body, and
            // closes a keep-alive connection whose body it left unread: a body on every refusal
            // cost a new connection per refusal. The reason is in WWW-Authenticate (RFC 6750 §3).
            headers.setContentLength(0);
            return response.setComplete();
        }
        headers.setContentType(oauth ? MediaType.APPLICATION_JSON : MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json.writeValueAsBytes(problem);
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
    }

    /** Only a client that names problem details (a person debugging with curl) gets them. */
    private static boolean asksForProblem(ServerWebExchange exchange) {
        try {
            return exchange.getRequest().getHeaders().getAccept().stream()
                    .anyMatch(type -> !type.isWildcardType() && !type.isWildcardSubtype()
                            && type.isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
