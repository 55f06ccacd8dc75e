package dev.gatehouse.auth.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.auth.store.RefreshTokenStore;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * RFC 7662: whether a token is active, and its claims if so. An invalid token is an answer
 * ({@code active: false}), not an error; Redis being unreachable is an error (503) under the
 * fail-closed policy, since "inactive" would be a lie.
 */
@Component
public class TokenIntrospector {

    private final TokenValidator validator;
    private final RefreshTokenStore refreshTokens;

    public TokenIntrospector(TokenValidator validator, RefreshTokenStore refreshTokens) {
        this.validator = validator;
        this.refreshTokens = refreshTokens;
    }

    public Mono<Introspection> introspect(String token) {
        if (!TokenRevoker.looksLikeJwt(token)) {
            return refreshTokens.find(token).map(found -> found
                    .map(refresh -> new Introspection(true, refresh.scope(), refresh.clientId(), refresh.subject(),
                            "refresh_token", refresh.expiresAtEpochSecond(), null, null, refresh.subject(), null,
                            null, null))
                    .orElse(Introspection.INACTIVE));
        }
        return validator.validate(token)
                .map(verified -> new Introspection(true, verified.scope(), verified.clientId(), username(verified),
                        "Bearer", verified.expiresAt().getEpochSecond(), epochSecond(verified.issuedAt()),
                        epochSecond(verified.notBefore()), verified.subject(), List.copyOf(verified.audience()),
                        verified.issuer(), verified.jti()))
                .onErrorResume(InvalidTokenException.class, e -> Mono.just(Introspection.INACTIVE));
    }

    /** A client_credentials token's subject is the client itself, not a user. */
    private static String username(VerifiedToken token) {
        return token.subject().equals(token.clientId()) ? null : token.subject();
    }

    private static Long epochSecond(java.time.Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }

    /** RFC 7662 §2.2, written in snake_case; an inactive token shows nothing but {@code active}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Introspection(boolean active, String scope, String clientId, String username, String tokenType,
                                Long exp, Long iat, Long nbf, String sub, List<String> aud, String iss, String jti) {

        static final Introspection INACTIVE =
                new Introspection(false, null, null, null, null, null, null, null, null, null, null, null);
    }
}
