package dev.gatehouse.auth.token;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.JwtProperties;
import dev.gatehouse.auth.grant.GrantException;
import io.jsonwebtoken.Jwts;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** Signs access tokens with the key ring's active key. */
@Component
public class TokenIssuer {

    public static final String CLIENT_ID_CLAIM = "client_id";
    public static final String SCOPE_CLAIM = "scope";

    private final KeyRing keyRing;
    private final JwtProperties properties;
    private final Provider provider;
    private final Clock clock;

    @Autowired
    public TokenIssuer(KeyRing keyRing, GatehouseProperties properties, JcaProviders providers) {
        this(keyRing, properties.jwt(), providers, Clock.systemUTC());
    }

    TokenIssuer(KeyRing keyRing, JwtProperties properties, JcaProviders providers, Clock clock) {
        this.keyRing = keyRing;
        this.properties = properties;
        this.provider = providers.signing();
        this.clock = clock;
    }

    /** @param subject the user, or the client itself for client_credentials */
    public IssuedToken issue(String subject, String clientId, String scope) {
        return issue(subject, clientId, scope, properties.accessTokenTtl());
    }

    /** A token that lives {@code ttl}, not the configured access-token TTL (the start-up warm-up's). */
    public IssuedToken issue(String subject, String clientId, String scope, Duration ttl) {
        headerSafe(IdentityClaims.SUBJECT, subject);
        headerSafe(CLIENT_ID_CLAIM, clientId);
        headerSafe(SCOPE_CLAIM, scope);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        String jti = UUID.randomUUID().toString();
        KeyRing.SigningKey signingKey = keyRing.activeSigningKey();
        String token = Jwts.builder()
                .provider(provider)
                .header().keyId(signingKey.kid()).type("at+jwt").and()
                .issuer(properties.issuer())
                .subject(subject)
                .audience().add(properties.audiences()).and()
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now))
                .expiration(Date.from(expiresAt))
                .id(jti)
                .claim(CLIENT_ID_CLAIM, clientId)
                .claim(SCOPE_CLAIM, scope)
                .signWith(signingKey.key(), SignatureAlgorithms.of(keyRing.algorithm()))
                .compact();
        return new IssuedToken(token, jti, ttl);
    }

    /**
     * Forward-auth copies these claims into headers, and the verifier refuses what cannot be one:
     * such a token is never signed. The sources refuse such values first (admin API usernames, the
     * clients file), so this is the last line, answered as a 400 to the token request.
     */
    private static void headerSafe(String claim, String value) {
        if (value != null && !IdentityClaims.isHeaderSafe(value)) {
            throw GrantException.invalidRequest("no token issued: " + claim
                    + " must be printable ASCII without leading or trailing space");
        }
    }

    public record IssuedToken(String value, String jti, Duration expiresIn) {
    }
}
