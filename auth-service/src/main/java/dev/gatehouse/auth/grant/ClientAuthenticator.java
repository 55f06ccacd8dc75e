package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.config.SecretDigest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Authenticates OAuth clients by {@code client_secret_basic} or {@code client_secret_post}
 * (RFC 6749 §2.3.1).
 *
 * <p>A client's secret is checked against its slow hash once; after that a SHA-256 digest of the
 * secret that matched is kept in memory and compared in constant time. Clients send their secret
 * on every token and introspection call, and a bcrypt check per call (~50 ms of CPU) would cap the
 * service at a few dozen calls per second per core. A wrong secret is never cached, so guessing
 * still pays the slow hash, and the bounded hashing queue refuses floods.
 */
@Component
public class ClientAuthenticator {

    private final ClientRegistry registry;
    private final PasswordHasher hasher;
    private final ConcurrentHashMap<String, byte[]> verifiedSecretDigests = new ConcurrentHashMap<>();

    public ClientAuthenticator(ClientRegistry registry, PasswordHasher hasher) {
        this.registry = registry;
        this.hasher = hasher;
    }

    /**
     * @param authorization the Authorization header, or null
     * @param formClientId {@code client_id} of the form, or null
     * @param formClientSecret {@code client_secret} of the form, or null
     */
    public Mono<RegisteredClient> authenticate(String authorization, String formClientId, String formClientSecret) {
        Credentials credentials;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (formClientSecret != null) {
                return Mono.error(GrantException.invalidRequest("use one client authentication method, not two"));
            }
            credentials = basic(authorization.substring(6).trim());
        } else if (formClientId != null && formClientSecret != null) {
            credentials = new Credentials(formClientId, formClientSecret);
        } else {
            return Mono.error(GrantException.invalidClient("client authentication required"));
        }
        RegisteredClient client = registry.find(credentials.id()).orElse(null);
        if (client != null && SecretDigest.matches(verifiedSecretDigests.get(client.id()), credentials.secret())) {
            return Mono.just(client);
        }
        return hasher.matches(credentials.secret(), client == null ? null : client.secretHash())
                .flatMap(matches -> {
                    if (!matches) {
                        return Mono.error(GrantException.invalidClient("client authentication failed"));
                    }
                    verifiedSecretDigests.put(client.id(), SecretDigest.of(credentials.secret()));
                    return Mono.just(client);
                });
    }

    private static Credentials basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw GrantException.invalidClient("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw GrantException.invalidClient("malformed Basic credentials");
        }
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before Base64. A bad %-escape is the
        // caller's mistake, not a 500 (found by ClientAuthenticatorFuzzTest).
        try {
            return new Credentials(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw GrantException.invalidClient("malformed Basic credentials");
        }
    }


    private record Credentials(String id, String secret) {
        @Override
        public String toString() {
            return "Credentials[" + id + "]";
        }
    }
}
