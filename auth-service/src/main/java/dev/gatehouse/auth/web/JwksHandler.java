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

    private final KeyRing keyRing;

    public JwksHandler(KeyRing keyRing) {
        this.keyRing = keyRing;
    }

    /** A short max-age: a verifier caching the set must learn a new key soon after a rotation. */
    public Mono<ServerResponse> keys(ServerRequest request) {
        return ServerResponse.ok()
                .contentType(MediaType.valueOf("application/jwk-set+json"))
                .cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)))
                .bodyValue(Map.of("keys", keyRing.publicJwks()));
    }
}
