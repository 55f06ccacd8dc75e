package dev.gatehouse.auth.web;

import dev.gatehouse.auth.token.InvalidTokenException;
import dev.gatehouse.auth.token.TokenValidator;
import dev.gatehouse.auth.token.VerifiedToken;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * For nginx {@code auth_request}/{@code auth-url}, Envoy {@code ext_authz} (HTTP service) and
 * Traefik {@code ForwardAuth}: any method, any path below {@code /forward-auth}; the proxy copies
 * the Authorization header. 200 with identity headers the proxy passes upstream, or 401 with a
 * problem body; 503 when Redis cannot tell whether the token was revoked (fail-closed).
 */
@Component
public class ForwardAuthHandler {

    public static final String SUBJECT = "X-Auth-Subject";
    public static final String CLIENT_ID = "X-Auth-Client-Id";
    public static final String SCOPE = "X-Auth-Scope";
    public static final String TOKEN_ID = "X-Auth-Token-Id";

    private final TokenValidator validator;

    public ForwardAuthHandler(TokenValidator validator) {
        this.validator = validator;
    }

    public Mono<ServerResponse> check(ServerRequest request) {
        String token = BearerToken.of(request);
        if (token == null) {
            return Mono.error(new InvalidTokenException("no bearer token"));
        }
        return validator.validate(token).flatMap(ForwardAuthHandler::allowed);
    }

    private static Mono<ServerResponse> allowed(VerifiedToken token) {
        return ServerResponse.ok().headers(headers -> {
            headers.set(SUBJECT, token.subject());
            headers.set(TOKEN_ID, token.jti());
            if (token.clientId() != null) {
                headers.set(CLIENT_ID, token.clientId());
            }
            if (token.scope() != null) {
                headers.set(SCOPE, token.scope());
            }
        }).build();
    }
}
