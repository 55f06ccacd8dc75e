package dev.gatehouse.auth.token;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.JwtProperties;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Header;
import io.jsonwebtoken.IncorrectClaimException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.Locator;
import io.jsonwebtoken.MalformedJwtException;
import io.jsonwebtoken.MissingClaimException;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SecurityException;
import java.security.Key;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.Set;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Checks an access token's signature and claims, CPU only (the revocation check is
 * {@link TokenValidator}'s). The algorithm is pinned: a header naming any other algorithm is refused
 * before a key is looked up, which closes {@code alg=none} and HS/RS confusion, and only a known
 * {@code kid} finds a key. {@code exp}, {@code iss}, {@code aud}, {@code sub} and {@code jti} are
 * required; clock skew and token size are bounded. Before the signature, {@link StrictJws} refuses
 * every token that is not in its one canonical form (base64url, {@code typ}, {@code crit},
 * NumericDates, header-safe identity claims), so only canonical strings ever reach the cache.
 */
@Component
public class TokenVerifier {

    private final JwtProperties properties;
    private final String pinnedAlgorithm;
    private final Duration clockSkew;
    private final Clock clock;
    private final JwtParser parser;
    private final VerifiedTokenCache cache;
    private final KeyRing keyRing;

    @Autowired
    public TokenVerifier(KeyRing keyRing, GatehouseProperties properties, JcaProviders providers) {
        this(keyRing, properties.jwt(), providers, Clock.systemUTC());
    }

    TokenVerifier(KeyRing keyRing, JwtProperties properties, JcaProviders providers, Clock clock) {
        this.keyRing = keyRing;
        this.properties = properties;
        this.pinnedAlgorithm = keyRing.algorithm().name();
        this.clockSkew = properties.clockSkew();
        this.clock = clock;
        this.cache = new VerifiedTokenCache(properties.verifiedCacheSize());
        Locator<Key> keyLocator = this::locateKey;
        this.parser = Jwts.parser()
                .provider(providers.verification())
                .keyLocator(keyLocator)
                .requireIssuer(properties.issuer())
                .clockSkewSeconds(clockSkew.toSeconds())
                .clock(() -> Date.from(clock.instant()))
                .build();
    }

    private Key locateKey(Header header) {
        if (!(header instanceof JwsHeader jws)) {
            throw new InvalidTokenException("token is not a signed JWT");
        }
        if (!pinnedAlgorithm.equals(jws.getAlgorithm())) {
            throw new InvalidTokenException("algorithm " + jws.getAlgorithm() + " is not accepted");
        }
        Key key = keyRing.verificationKey(jws.getKeyId());
        if (key == null) {
            throw new InvalidTokenException("unknown key id");
        }
        return key;
    }

    public VerifiedToken verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException("no bearer token");
        }
        if (token.length() > properties.maxTokenBytes()) {
            throw new InvalidTokenException("token longer than " + properties.maxTokenBytes() + " bytes");
        }
        String fingerprint = keyRing.fingerprint();
        VerifiedToken cached = cache.get(token, fingerprint);
        if (cached != null) {
            checkTimes(cached);
            return cached;
        }
        VerifiedToken verified = parse(token);
        cache.put(token, fingerprint, verified);
        return verified;
    }

    private VerifiedToken parse(String token) {
        StrictJws.check(token);
        Claims claims;
        try {
            claims = parser.parseSignedClaims(token).getPayload();
        } catch (InvalidTokenException e) {
            throw e;
        } catch (ExpiredJwtException e) {
            throw new InvalidTokenException("token expired");
        } catch (PrematureJwtException e) {
            throw new InvalidTokenException("token not yet valid");
        } catch (MissingClaimException | IncorrectClaimException e) {
            throw new InvalidTokenException("claim " + e.getClaimName() + " is missing or wrong");
        } catch (SecurityException e) {
            throw new InvalidTokenException("signature does not verify");
        } catch (UnsupportedJwtException e) {
            throw new InvalidTokenException("unsupported token: only signed JWTs are accepted");
        } catch (MalformedJwtException e) {
            throw new InvalidTokenException("malformed token");
        } catch (RuntimeException e) {
            // Whatever else the parser throws on hostile input is still the token's fault: a 401, never a 500.
            throw new InvalidTokenException("invalid token");
        }
        if (claims.getExpiration() == null) {
            throw new InvalidTokenException("claim exp is missing");
        }
        Set<String> audience = claims.getAudience() == null ? Set.of() : claims.getAudience();
        if (Collections.disjoint(audience, properties.audiences())) {
            throw new InvalidTokenException("claim aud names none of this service's audiences");
        }
        if (claims.getSubject() == null || claims.getId() == null) {
            throw new InvalidTokenException("claims sub and jti are required");
        }
        return new VerifiedToken(claims.getSubject(), stringClaim(claims, TokenIssuer.CLIENT_ID_CLAIM),
                stringClaim(claims, TokenIssuer.SCOPE_CLAIM), claims.getId(), claims.getIssuer(),
                Set.copyOf(audience), instant(claims.getIssuedAt()), instant(claims.getNotBefore()),
                claims.getExpiration().toInstant());
    }

    private static String stringClaim(Claims claims, String name) {
        Object value = claims.get(name);
        if (value != null && !(value instanceof String)) {
            throw new InvalidTokenException("claim " + name + " must be a string");
        }
        return (String) value;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }

    /** A cached verification is only as good as the clock: expiry is re-checked on every use. */
    private void checkTimes(VerifiedToken token) {
        Instant now = clock.instant();
        if (now.minus(clockSkew).isAfter(token.expiresAt())) {
            throw new InvalidTokenException("token expired");
        }
        if (token.notBefore() != null && now.plus(clockSkew).isBefore(token.notBefore())) {
            throw new InvalidTokenException("token not yet valid");
        }
    }
}
