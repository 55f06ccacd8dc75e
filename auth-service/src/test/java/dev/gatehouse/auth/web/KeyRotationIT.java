package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.CacheControl;

/**
 * A rotation as the operator performs it, on the mounted directory: add a key, switch active-kid
 * once it is published, later remove the old key. Tokens of the old key verify until it is
 * removed. And the one-edit rotation (a new key named active in the update that adds it), which
 * the pod holds back for key-publish-delay.
 */
class KeyRotationIT {

    private static final Duration PUBLISH_DELAY = Duration.ofSeconds(3);

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.jwt.key-publish-delay", PUBLISH_DELAY.toSeconds() + "s");

    @Test
    void rotationKeepsAcceptingThePreviousKeyUntilItIsRemoved() throws Exception {
        String oldToken = service.clientCredentialsToken();
        String oldKid = kidOf(oldToken);

        AuthServiceExtension.writeEcKey(service.keysDir(), "two-step");
        awaitJwksKids(List.of(oldKid, "two-step"));
        assertThat(kidOf(service.clientCredentialsToken())).as("published, not yet active").isEqualTo(oldKid);
        Files.writeString(service.keysDir().resolve("active-kid"), "two-step\n");
        long switched = System.nanoTime();
        String newToken = awaitTokenSignedBy("two-step");
        assertThat(Duration.ofNanos(System.nanoTime() - switched))
                .as("a key published before it is named active signs without the publish delay")
                .isLessThan(PUBLISH_DELAY);

        service.forwardAuth(oldToken).expectStatus().isOk();
        service.forwardAuth(newToken).expectStatus().isOk();
        assertThat(jwksKids()).as("the signing key first").containsExactly("two-step", oldKid);
        // Shorter than the operator keeps a new key published before it signs: it reads this header.
        service.client().get().uri("/.well-known/jwks.json").exchange()
                .expectHeader().cacheControl(CacheControl.maxAge(Duration.ofSeconds(60)));

        Files.delete(service.keysDir().resolve(oldKid + ".pem"));
        awaitJwksKids(List.of("two-step"));
        service.forwardAuth(oldToken).expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate",
                        "Bearer error=\"invalid_token\", error_description=\"unknown key id\"");
        service.forwardAuth(newToken).expectStatus().isOk();
    }

    @Test
    void aNewKeyNamedActiveInTheEditThatAddsItSignsOnlyAfterThePublishDelay() throws Exception {
        String oldKid = kidOf(service.clientCredentialsToken());
        AuthServiceExtension.writeEcKey(service.keysDir(), "one-edit");
        Files.writeString(service.keysDir().resolve("active-kid"), "one-edit\n");
        long edited = System.nanoTime();
        awaitJwksKids(List.of(oldKid, "one-edit"));
        String held = service.clientCredentialsToken();
        long heldAt = System.nanoTime();
        assertThat(Duration.ofNanos(heldAt - edited)).as("the key set follows within a reload").isLessThan(PUBLISH_DELAY);
        assertThat(kidOf(held)).as("within the publish delay the previous key signs").isEqualTo(oldKid);
        String switched = awaitTokenSignedBy("one-edit");
        assertThat(Duration.ofNanos(System.nanoTime() - edited)).isGreaterThanOrEqualTo(PUBLISH_DELAY);
        service.forwardAuth(held).expectStatus().isOk();
        service.forwardAuth(switched).expectStatus().isOk();
        assertThat(jwksKids()).containsExactly("one-edit", oldKid);
        Files.delete(service.keysDir().resolve(oldKid + ".pem"));
        awaitJwksKids(List.of("one-edit"));
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
