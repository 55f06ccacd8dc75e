package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.store.RefreshTokenStore;
import dev.gatehouse.auth.store.UserStore;
import dev.gatehouse.auth.token.TokenIssuer;
import dev.gatehouse.auth.token.TokenMetrics;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * RFC 6749 §6 with rotation: every use returns a new refresh token and retires the old one; a
 * retired token presented again revokes its whole family (RFC 9700 §4.14.2). A user disabled since
 * the token was issued gets nothing.
 */
@Component
public class RefreshTokenGrant implements Grant {

    private final RefreshTokenStore refreshTokens;
    private final UserStore users;
    private final TokenIssuer issuer;
    private final TokenMetrics metrics;
    private final Duration refreshTokenTtl;

    public RefreshTokenGrant(RefreshTokenStore refreshTokens, UserStore users, TokenIssuer issuer, TokenMetrics metrics,
                             GatehouseProperties properties) {
        this.refreshTokens = refreshTokens;
        this.users = users;
        this.issuer = issuer;
        this.metrics = metrics;
        this.refreshTokenTtl = properties.jwt().refreshTokenTtl();
    }

    @Override
    public String type() {
        return "refresh_token";
    }

    @Override
    public Mono<TokenResponse> grant(RegisteredClient client, GrantRequest request) {
        String presented = request.required("refresh_token");
        String requestedScope = request.parameter("scope");
        return refreshTokens.rotate(presented, client.id(), refreshTokenTtl)
                .flatMap(rotation -> switch (rotation.outcome()) {
                    // Off Lettuce's I/O thread before signing (see ClientCredentialsGrant).
                    case ROTATED -> users.find(rotation.subject()).publishOn(Schedulers.parallel()).flatMap(user -> {
                        if (user.isEmpty() || user.get().disabled()) {
                            return Mono.error(GrantException.invalidGrant("the user is disabled"));
                        }
                        String scope = requestedScope == null ? rotation.scope()
                                : RegisteredClient.narrowedScope(requestedScope, scopes(rotation.scope()));
                        TokenIssuer.IssuedToken token = issuer.issue(rotation.subject(), client.id(), scope);
                        return Mono.just(TokenResponse.bearer(token.value(), token.expiresIn().toSeconds(),
                                rotation.successor(), scope));
                    });
                    case REUSED -> {
                        metrics.refreshReuseDetected();
                        yield Mono.error(GrantException.invalidGrant(
                                "refresh token was already used; all tokens of its family are revoked"));
                    }
                    case INVALID -> Mono.error(GrantException.invalidGrant("refresh token is invalid, expired or revoked"));
                });
    }

    private static Set<String> scopes(String scope) {
        return scope == null || scope.isBlank() ? Set.of() : Set.copyOf(Arrays.asList(scope.split(" ")));
    }
}
