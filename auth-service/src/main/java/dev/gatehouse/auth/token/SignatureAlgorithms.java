package dev.gatehouse.auth.token;

import dev.gatehouse.auth.config.JwtAlgorithm;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.SecureDigestAlgorithm;
import java.security.Key;

/** The jjwt algorithm for the configured {@link JwtAlgorithm}. */
final class SignatureAlgorithms {

    private SignatureAlgorithms() {
    }

    @SuppressWarnings("unchecked")
    static <K extends Key> SecureDigestAlgorithm<K, ?> of(JwtAlgorithm algorithm) {
        return (SecureDigestAlgorithm<K, ?>) switch (algorithm) {
            case ES256 -> Jwts.SIG.ES256;
            case RS256 -> Jwts.SIG.RS256;
            case HS256 -> Jwts.SIG.HS256;
        };
    }
}
