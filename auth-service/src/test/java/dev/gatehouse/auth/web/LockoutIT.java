package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.support.AuthServiceExtension.APP_CLIENT;
import static dev.gatehouse.auth.support.AuthServiceExtension.APP_SECRET;

import dev.gatehouse.auth.support.AuthServiceExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Failed logins lock out per user and per client address, with counters in a real Redis. */
class LockoutIT {

    // The address limit is set per test via X-Forwarded-For, so the user limit can be seen alone.
    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.lockout.max-failures-per-user", "3")
            .with("gatehouse.lockout.max-failures-per-address", "5")
            .with("gatehouse.lockout.client-address-header", "X-Forwarded-For")
            .with("gatehouse.lockout.trusted-proxies", "127.0.0.1");

    private WebTestClient.ResponseSpec login(String username, String password, String address) {
        return service.client().post().uri("/oauth2/token")
                .headers(headers -> {
                    headers.setBasicAuth(APP_CLIENT, APP_SECRET);
                    headers.set("X-Forwarded-For", "203.0.113.9, " + address);
                })
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=password&username=" + username + "&password=" + password)
                .exchange();
    }

    @Test
    void aUserIsLockedOutAfterRepeatedFailuresEvenWithTheRightPassword() {
        service.createUser("dave", "dave-password");
        login("dave", "dave-password", "10.0.0.1").expectStatus().isOk();
        for (int i = 0; i < 3; i++) {
            login("dave", "wrong-" + i, "10.0.0." + (10 + i)).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.error").isEqualTo("invalid_grant");
        }
        login("dave", "dave-password", "10.0.0.20").expectStatus().isEqualTo(429)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().exists("Retry-After")
                .expectBody().jsonPath("$.type").isEqualTo("https://gatehouse.dev/problems/locked-out");
        // Other users are not affected.
        service.createUser("erin", "erin-password");
        login("erin", "erin-password", "10.0.0.21").expectStatus().isOk();
    }

    @Test
    void anAddressIsLockedOutAfterSprayingManyUsers() {
        service.createUser("frank", "frank-password");
        for (int i = 0; i < 5; i++) {
            login("sprayed-" + i, "guess", "10.9.9.9").expectStatus().isBadRequest();
        }
        login("frank", "frank-password", "10.9.9.9").expectStatus().isEqualTo(429);
        login("frank", "frank-password", "10.9.9.10").expectStatus().isOk();
    }

    @Test
    void successForgivesTheUsersEarlierFailures() {
        service.createUser("gina", "gina-password");
        login("gina", "nope", "10.1.0.1").expectStatus().isBadRequest();
        login("gina", "nope", "10.1.0.2").expectStatus().isBadRequest();
        login("gina", "gina-password", "10.1.0.3").expectStatus().isOk();
        login("gina", "nope", "10.1.0.4").expectStatus().isBadRequest();
        login("gina", "nope", "10.1.0.5").expectStatus().isBadRequest();
        login("gina", "gina-password", "10.1.0.6").expectStatus().isOk();
    }

    @Test
    void unknownAndDisabledUsersFailLikeAWrongPassword() {
        login("nobody", "x", "10.2.0.1").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("invalid username or password");
        service.createUser("hank", "hank-password");
        service.client().post().uri("/admin/users/hank/disable")
                .headers(headers -> headers.setBearerAuth(AuthServiceExtension.ADMIN_TOKEN))
                .exchange().expectStatus().isNoContent();
        login("hank", "hank-password", "10.2.0.2").expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").isEqualTo("invalid username or password");
    }
}
