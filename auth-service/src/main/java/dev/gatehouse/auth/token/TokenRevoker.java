package dev.gatehouse.auth.token;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.store.RefreshTokenStore;
import dev.gatehouse.auth.store.RevocationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * RFC 7009 revocation, and "log out everywhere". An access token's jti is remembered only until
 * the token would have expired anyway (plus clock skew); a refresh token revokes its family.
 * Revoking a token that is invalid, unknown or another client's does nothing and is not an error
 * (RFC 7009 §2.2), so the endpoint tells an attacker nothing.
 */
@Component
public class TokenRevoker {

    private final TokenVerifier verifier;
    private final RevocationStore revocations;
    private final RefreshTokenStore refreshTokens;
    private final Duration clockSkew;
    private final Duration longestTokenLife;
    private final Clock clock = Clock.systemUTC();

    public TokenRevoker(TokenVerifier verifier, RevocationStore revocations, RefreshTokenStore refreshTokens,
                        GatehouseProperties properties) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.refreshTokens = refreshTokens;
        this.clockSkew = properties.jwt().clockSkew();
        Duration access = properties.jwt().accessTokenTtl();
        Duration refresh = properties.jwt().refreshTokenTtl();
        this.longestTokenLife = (access.compareTo(refresh) > 0 ? access : refresh).plus(clockSkew);
    }

    public Mono<Void> revoke(String token, String clientId) {
        if (!looksLikeJwt(token)) {
            return refreshTokens.revokeFamily(token, clientId).then();
        }
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            return Mono.empty();
        }
        if (!clientId.equals(verified.clientId())) {
            return Mono.empty();
        }
        return revocations.revokeToken(verified.jti(),
                Duration.between(clock.instant(), verified.expiresAt().plus(clockSkew)));
    }

    /** Every access and refresh token of the user issued until now stops working. */
    public Mono<Void> revokeAllOf(String subject) {
        return revocations.revokeAllOf(subject, Instant.now(clock), longestTokenLife);
    }

    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }
}
