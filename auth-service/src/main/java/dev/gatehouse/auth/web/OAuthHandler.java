package dev.gatehouse.auth.web;

import dev.gatehouse.auth.grant.ClientAuthenticator;
import dev.gatehouse.auth.grant.Grant;
import dev.gatehouse.auth.grant.GrantException;
import dev.gatehouse.auth.grant.GrantRequest;
import dev.gatehouse.auth.grant.RegisteredClient;
import dev.gatehouse.auth.token.InvalidTokenException;
import dev.gatehouse.auth.token.TokenIntrospector;
import dev.gatehouse.auth.token.TokenMetrics;
import dev.gatehouse.auth.token.TokenRevoker;
import dev.gatehouse.auth.token.TokenValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The OAuth 2.0 endpoints: token (RFC 6749), revoke (RFC 7009), introspect (RFC 7662), logout. */
@Component
public class OAuthHandler {

    private final ClientAuthenticator clients;
    private final Map<String, Grant> grants;
    private final TokenRevoker revoker;
    private final TokenIntrospector introspector;
    private final TokenValidator validator;
    private final TokenMetrics metrics;
    private final ClientAddress clientAddress;

    public OAuthHandler(ClientAuthenticator clients, List<Grant> grants, TokenRevoker revoker,
                        TokenIntrospector introspector, TokenValidator validator, TokenMetrics metrics,
                        ClientAddress clientAddress) {
        this.clients = clients;
        this.grants = grants.stream().collect(Collectors.toUnmodifiableMap(Grant::type, Function.identity()));
        this.revoker = revoker;
        this.introspector = introspector;
        this.validator = validator;
        this.metrics = metrics;
        this.clientAddress = clientAddress;
    }

    public Mono<ServerResponse> token(ServerRequest request) {
        return authenticatedForm(request).flatMap(authenticated -> {
            String grantType = authenticated.form().get("grant_type");
            Grant grant = grantType == null ? null : grants.get(grantType);
            if (grant == null) {
                return Mono.error(new GrantException(400, "unsupported_grant_type",
                        "grant_type must be one of " + grants.keySet()));
            }
            if (!authenticated.client().mayUse(grantType)) {
                return Mono.error(new GrantException(400, "unauthorized_client",
                        "client may not use grant_type " + grantType));
            }
            return grant.grant(authenticated.client(), new GrantRequest(authenticated.form(), clientAddress.of(request)))
                    .doOnNext(issued -> metrics.issued(grantType))
                    .doOnError(GrantException.class, e -> metrics.grantRefused(grantType, e.error()));
        }).flatMap(response -> ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .bodyValue(response));
    }

    public Mono<ServerResponse> revoke(ServerRequest request) {
        return authenticatedForm(request)
                .flatMap(authenticated -> revoker.revoke(requiredToken(authenticated.form()), authenticated.client().id()))
                .then(ServerResponse.ok().build());
    }

    public Mono<ServerResponse> introspect(ServerRequest request) {
        return authenticatedForm(request)
                .flatMap(authenticated -> introspector.introspect(requiredToken(authenticated.form())))
                .flatMap(introspection -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .cacheControl(CacheControl.noStore())
                        .bodyValue(introspection));
    }

    /** "Log out everywhere" for the bearer token's user: every token of theirs issued until now dies. */
    public Mono<ServerResponse> logoutEverywhere(ServerRequest request) {
        String token = BearerToken.of(request);
        if (token == null) {
            return Mono.error(new InvalidTokenException("no bearer token"));
        }
        return validator.validate(token)
                .flatMap(verified -> revoker.revokeAllOf(verified.subject()))
                .then(ServerResponse.noContent().build());
    }

    private static String requiredToken(Map<String, String> form) {
        String token = form.get("token");
        if (token == null || token.isEmpty()) {
            throw GrantException.invalidRequest("parameter token is required");
        }
        return token;
    }

    private Mono<AuthenticatedForm> authenticatedForm(ServerRequest request) {
        return request.formData().flatMap(form -> {
            Map<String, String> parameters = firstValues(form);
            return clients.authenticate(request.headers().firstHeader(HttpHeaders.AUTHORIZATION),
                            parameters.get("client_id"), parameters.remove("client_secret"))
                    .map(client -> new AuthenticatedForm(client, parameters));
        });
    }

    /** RFC 6749 §3.2: a parameter sent twice is an error, not a choice. */
    private static Map<String, String> firstValues(MultiValueMap<String, String> form) {
        Map<String, String> parameters = new HashMap<>();
        form.forEach((name, values) -> {
            if (values.size() > 1) {
                throw GrantException.invalidRequest("parameter " + name + " sent more than once");
            }
            parameters.put(name, values.get(0));
        });
        return parameters;
    }

    private record AuthenticatedForm(RegisteredClient client, Map<String, String> form) {
    }
}
