package dev.gatehouse.auth.web;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/** The admin API a platform script uses: guarded, and each verb does what it says in Redis. */
class AdminApiIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @Test
    void requiresTheAdminToken() {
        service.client().post().uri("/admin/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "x", "password", "long enough"))
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        service.client().get().uri("/admin/users/x")
                .headers(headers -> headers.setBearerAuth("not-the-admin-token"))
                .exchange().expectStatus().isUnauthorized();
    }

    @Test
    void createShowDisableEnableDelete() {
        service.createUser("ivan", "ivan-password");
        admin().get().uri("/admin/users/ivan").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.username").isEqualTo("ivan")
                .jsonPath("$.disabled").isEqualTo(false)
                .jsonPath("$.created_at").exists()
                .jsonPath("$.password_hash").doesNotExist();
        service.passwordGrant("ivan", "ivan-password");

        admin().post().uri("/admin/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "ivan", "password", "another-password"))
                .exchange().expectStatus().isEqualTo(409);

        Map<String, Object> tokens = service.passwordGrant("ivan", "ivan-password");
        admin().post().uri("/admin/users/ivan/disable").exchange().expectStatus().isNoContent();
        // Disabling logs the user out everywhere.
        service.forwardAuth((String) tokens.get("access_token")).expectStatus().isUnauthorized();
        service.postForm("/oauth2/token", AuthServiceExtension.APP_CLIENT, AuthServiceExtension.APP_SECRET,
                Map.of("grant_type", "password", "username", "ivan", "password", "ivan-password"))
                .expectStatus().isBadRequest();

        admin().post().uri("/admin/users/ivan/enable").exchange().expectStatus().isNoContent();
        service.passwordGrant("ivan", "ivan-password");

        admin().delete().uri("/admin/users/ivan").exchange().expectStatus().isNoContent();
        admin().get().uri("/admin/users/ivan").exchange().expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        admin().post().uri("/admin/users/ivan/disable").exchange().expectStatus().isNotFound();
    }

    @Test
    void acceptsAPrecomputedBcryptHash() {
        String hash = new BCryptPasswordEncoder(4).encode("judy-password");
        admin().post().uri("/admin/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "judy", "password_hash", hash))
                .exchange().expectStatus().isCreated();
        service.passwordGrant("judy", "judy-password");
    }

    @Test
    void refusesBadInput() {
        // Issue 12: a username is a token's sub and forward-auth's X-Auth-Subject; control characters never get in.
        for (String control : new String[] {"ivan\r", "ivan\nX-Admin: yes", "ivan\u0000", "iv\u00e1n"}) {
            admin().post().uri("/admin/users").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("username", control, "password", "long enough"))
                    .exchange().expectStatus().isBadRequest();
        }
        admin().post().uri("/admin/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "has space", "password", "long enough"))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        admin().post().uri("/admin/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "kim", "password", "short"))
                .exchange().expectStatus().isBadRequest();
        admin().post().uri("/admin/users").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", "kim", "password_hash", "plaintext"))
                .exchange().expectStatus().isBadRequest();
    }

    private static org.springframework.test.web.reactive.server.WebTestClient admin() {
        return service.client().mutate()
                .defaultHeaders(headers -> headers.setBearerAuth(AuthServiceExtension.ADMIN_TOKEN)).build();
    }
}
