package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rotation as the operator performs it, on the mounted directory: add a key, switch active-kid,
 * later remove the old key. Tokens of the old key verify until it is removed.
 */
class KeyRotationIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @Test
    void rotationKeepsAcceptingThePreviousKeyUntilItIsRemoved() throws Exception {
        String oldToken = service.clientCredentialsToken();
        assertThat(kidOf(oldToken)).isEqualTo("key-1");

        AuthServiceExtension.writeEcKey(service.keysDir(), "key-2");
        Files.writeString(service.keysDir().resolve("active-kid"), "key-2\n");
        String newToken = awaitTokenSignedBy("key-2");

        service.forwardAuth(oldToken).expectStatus().isOk();
        service.forwardAuth(newToken).expectStatus().isOk();
        assertThat(jwksKids()).containsExactlyInAnyOrder("key-1", "key-2");

        Files.delete(service.keysDir().resolve("key-1.pem"));
        awaitJwksKids(List.of("key-2"));
        service.forwardAuth(oldToken).expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate",
                        "Bearer error=\"invalid_token\", error_description=\"unknown key id\"");
        service.forwardAuth(newToken).expectStatus().isOk();
    }

    @Test
    void aBrokenKeyDirectoryKeepsTheKeysInUse() throws Exception {
        String before = service.clientCredentialsToken();
        Files.writeString(service.keysDir().resolve("active-kid"), "no-such-key\n");
        Thread.sleep(600);
        service.forwardAuth(before).expectStatus().isOk();
        service.clientCredentialsToken();
        Files.writeString(service.keysDir().resolve("active-kid"), kidOf(before) + "\n");
    }

    private static String kidOf(String token) {
        String header = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[0]));
        return header.replaceAll(".*\"kid\":\"([^\"]+)\".*", "$1");
    }

    @SuppressWarnings("unchecked")
    private static List<String> jwksKids() {
        Map<String, Object> jwks = service.client().get().uri("/.well-known/jwks.json").exchange()
                .expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
        return ((List<Map<String, Object>>) jwks.get("keys")).stream().map(key -> (String) key.get("kid")).toList();
    }

    private static String awaitTokenSignedBy(String kid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            String token = service.clientCredentialsToken();
            if (kidOf(token).equals(kid)) {
                return token;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no token signed by " + kid + " within 10 s");
    }

    private static void awaitJwksKids(List<String> kids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && !jwksKids().equals(kids)) {
            Thread.sleep(100);
        }
        assertThat(jwksKids()).isEqualTo(kids);
    }
}
