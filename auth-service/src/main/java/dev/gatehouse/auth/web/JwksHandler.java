package dev.gatehouse.auth.web;

import dev.gatehouse.auth.token.KeyRing;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** RFC 7517 key set of every verifying key, so resource servers can verify tokens themselves. */
@Component
public class JwksHandler {

    static final String PATH = "/.well-known/jwks.json";

    /**
     * How long a verifier may cache the set. The operator's managed rotation reads it from this
     * header and keeps a new key published at least this long in every pod before any pod signs
     * with it, so a verifier that cached the set just before the key appeared has it in time.
     */
    static final Duration MAX_AGE = Duration.ofSeconds(60);

    private final KeyRing keyRing;

    public JwksHandler(KeyRing keyRing) {
        this.keyRing = keyRing;
    }

    /** The signing key first (KeyRing); cached no longer than {@link #MAX_AGE}. */
    public Mono<ServerResponse> keys(ServerRequest request) {
        return ServerResponse.ok()
                .contentType(MediaType.valueOf("application/jwk-set+json"))
                .cacheControl(CacheControl.maxAge(MAX_AGE))
                .bodyValue(Map.of("keys", keyRing.publicJwks()));
    }
}
