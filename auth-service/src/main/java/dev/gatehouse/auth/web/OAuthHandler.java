package dev.gatehouse.auth.web;

import dev.gatehouse.auth.grant.ClientAuthenticator;
import dev.gatehouse.auth.grant.Grant;
import dev.gatehouse.auth.grant.GrantException;
import dev.gatehouse.auth.grant.GrantRequest;
import dev.gatehouse.auth.token.InvalidTokenException;
import dev.gatehouse.auth.token.TokenMetrics;
import dev.gatehouse.auth.token.TokenRevoker;
import dev.gatehouse.auth.token.TokenValidator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The OAuth 2.0 endpoints token (RFC 6749) and revoke (RFC 7009), and logout; introspection
 * (RFC 7662) is {@link IntrospectionRoute}'s.
 */
@Component
public class OAuthHandler {

    private final ClientAuthenticator clients;
    private final Map<String, Grant> grants;
    private final TokenRevoker revoker;
    private final TokenValidator validator;
    private final TokenMetrics metrics;
    private final ClientAddress clientAddress;
    private final int maxBodyBytes;

    public OAuthHandler(ClientAuthenticator clients, List<Grant> grants, TokenRevoker revoker,
                        TokenValidator validator, TokenMetrics metrics,
                        ClientAddress clientAddress,
                        @Value("${spring.codec.max-in-memory-size:256KB}") DataSize maxBody) {
        this.clients = clients;
        this.grants = grants.stream().collect(Collectors.toUnmodifiableMap(Grant::type, Function.identity()));
        this.revoker = revoker;
        this.validator = validator;
        this.metrics = metrics;
        this.clientAddress = clientAddress;
        this.maxBodyBytes = (int) maxBody.toBytes();
    }

    public Mono<ServerResponse> token(ServerRequest request) {
        return authenticatedForm(request).flatMap(authenticated -> {
            String grantType = authenticated.parameters().get("grant_type");
            Grant grant = grantType == null ? null : grants.get(grantType);
            if (grant == null) {
                return Mono.error(new GrantException(400, "unsupported_grant_type",
                        "grant_type must be one of " + grants.keySet()));
            }
            if (!authenticated.client().mayUse(grantType)) {
                return Mono.error(new GrantException(400, "unauthorized_client",
                        "client may not use grant_type " + grantType));
            }
            return grant.grant(authenticated.client(), new GrantRequest(authenticated.parameters(), clientAddress.of(request)))
                    .doOnNext(issued -> metrics.issued(grantType))
                    .doOnError(GrantException.class, e -> metrics.grantRefused(grantType, e.error()));
        }).flatMap(response -> ServerResponse.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .cacheControl(CacheControl.noStore())
                .bodyValue(response));
    }

    public Mono<ServerResponse> revoke(ServerRequest request) {
        return authenticatedForm(request)
                .flatMap(authenticated -> revoker.revoke(authenticated.requiredToken(), authenticated.client().id()))
                .then(ServerResponse.ok().build());
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

    /**
     * The body read whole (up to {@code spring.codec.max-in-memory-size}, else 413) and parsed by
     * {@link OAuthForm#parse}, as {@link IntrospectionRoute} does; the raw Content-Type header,
     * since {@link HttpHeaders#getContentType()} throws on an unparsable one. The token and
     * revocation endpoints need Redis under every policy, so their client checks fail closed.
     */
    private Mono<OAuthForm> authenticatedForm(ServerRequest request) {
        HttpHeaders headers = request.headers().asHttpHeaders();
        return DataBufferUtils.join(request.exchange().getRequest().getBody(), maxBodyBytes)
                .map(buffer -> {
                    byte[] body = new byte[buffer.readableByteCount()];
                    buffer.read(body);
                    DataBufferUtils.release(buffer);
                    return body;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> OAuthForm.authenticate(clients,
                        OAuthForm.authorization(headers.get(HttpHeaders.AUTHORIZATION)),
                        OAuthForm.parse(headers.getFirst(HttpHeaders.CONTENT_TYPE), body), false));
    }
}
