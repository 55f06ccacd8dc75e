package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.support.AuthServiceExtension.APP_CLIENT;
import static dev.gatehouse.auth.support.AuthServiceExtension.APP_SECRET;
import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_CLIENT;
import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** The life of tokens against a real Redis: issue, verify, refresh, reuse, revoke, introspect. */
class TokenLifecycleIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @Test
    void issueVerifyRefreshReuseRevokeIntrospect() {
        service.createUser("alice", "correct horse battery");
        Map<String, Object> first = service.passwordGrant("alice", "correct horse battery");
        assertThat(first).containsEntry("token_type", "Bearer").containsEntry("scope", "read write")
                .containsEntry("expires_in", 900).containsKeys("access_token", "refresh_token");
        String access = (String) first.get("access_token");

        service.forwardAuth(access).expectStatus().isOk()
                .expectHeader().valueEquals(ForwardAuthHandler.SUBJECT, "alice")
                .expectHeader().valueEquals(ForwardAuthHandler.CLIENT_ID, APP_CLIENT)
                .expectHeader().valueEquals(ForwardAuthHandler.SCOPE, "read write")
                .expectHeader().exists(ForwardAuthHandler.TOKEN_ID);

        // Refresh rotates: a new refresh token, and the old one is spent.
        String refresh1 = (String) first.get("refresh_token");
        Map<String, Object> second = refresh(refresh1);
        String refresh2 = (String) second.get("refresh_token");
        assertThat(refresh2).isNotEqualTo(refresh1);
        service.forwardAuth((String) second.get("access_token")).expectStatus().isOk();

        // Presenting the spent token again is reuse: refused, and the whole family dies with it.
        service.postForm("/oauth2/token", APP_CLIENT, APP_SECRET,
                        Map.of("grant_type", "refresh_token", "refresh_token", refresh1))
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error").isEqualTo("invalid_grant")
                .jsonPath("$.error_description").value(description -> assertThat((String) description).contains("already used"))
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("already used"));
        service.postForm("/oauth2/token", APP_CLIENT, APP_SECRET,
                        Map.of("grant_type", "refresh_token", "refresh_token", refresh2))
                .expectStatus().isBadRequest();

        // Introspection of the live access token, then revocation, then introspection again.
        service.postForm("/oauth2/introspect", APP_CLIENT, APP_SECRET, Map.of("token", access))
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.active").isEqualTo(true)
                .jsonPath("$.sub").isEqualTo("alice")
                .jsonPath("$.username").isEqualTo("alice")
                .jsonPath("$.client_id").isEqualTo(APP_CLIENT)
                .jsonPath("$.iss").isEqualTo(AuthServiceExtension.ISSUER)
                .jsonPath("$.token_type").isEqualTo("Bearer");
        service.postForm("/oauth2/revoke", APP_CLIENT, APP_SECRET, Map.of("token", access))
                .expectStatus().isOk();
        service.forwardAuthAskingForProblem(access).expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("token revoked");
        service.postForm("/oauth2/introspect", APP_CLIENT, APP_SECRET, Map.of("token", access))
                .expectStatus().isOk()
                .expectBody().json("{\"active\":false}", true);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> refresh(String refreshToken) {
        return service.postForm("/oauth2/token", APP_CLIENT, APP_SECRET,
                        Map.of("grant_type", "refresh_token", "refresh_token", refreshToken))
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    @Test
    void revokedJtiIsKeptOnlyForTheTokensRemainingLife() {
        String access = service.clientCredentialsToken();
        service.postForm("/oauth2/revoke", SERVICE_CLIENT, SERVICE_SECRET, Map.of("token", access))
                .expectStatus().isOk();
        service.postForm("/oauth2/introspect", SERVICE_CLIENT, SERVICE_SECRET, Map.of("token", access))
                .expectStatus().isOk().expectBody().json("{\"active\":false}", true);
        Long ttl = service.bean(dev.gatehouse.auth.redis.RedisPool.class)
                .execute(commands -> commands.keys("gh:revoked:jti:*").next()
                        .flatMap(key -> commands.pttl(key)))
                .block();
        // access-token-ttl 15m + clock skew 30s: never longer, and not "forever" (-1).
        assertThat(ttl).isPositive().isLessThanOrEqualTo(930_000L);
    }

    @Test
    void refreshTokenRevocationKillsTheFamily() {
        service.createUser("bob", "bob's password");
        Map<String, Object> tokens = service.passwordGrant("bob", "bob's password");
        String refresh = (String) tokens.get("refresh_token");
        service.postForm("/oauth2/introspect", APP_CLIENT, APP_SECRET, Map.of("token", refresh))
                .expectStatus().isOk().expectBody()
                .jsonPath("$.active").isEqualTo(true)
                .jsonPath("$.token_type").isEqualTo("refresh_token");
        service.postForm("/oauth2/revoke", APP_CLIENT, APP_SECRET,
                        Map.of("token", refresh, "token_type_hint", "refresh_token"))
                .expectStatus().isOk();
        service.postForm("/oauth2/token", APP_CLIENT, APP_SECRET,
                        Map.of("grant_type", "refresh_token", "refresh_token", refresh))
                .expectStatus().isBadRequest();
        service.postForm("/oauth2/introspect", APP_CLIENT, APP_SECRET, Map.of("token", refresh))
                .expectStatus().isOk().expectBody().json("{\"active\":false}", true);
    }

    @Test
    void logoutEverywhereRevokesEveryTokenOfTheUser() throws InterruptedException {
        service.createUser("carol", "carol's password");
        Map<String, Object> laptop = service.passwordGrant("carol", "carol's password");
        Map<String, Object> phone = service.passwordGrant("carol", "carol's password");
        service.client().post().uri("/oauth2/logout")
                .headers(headers -> headers.setBearerAuth((String) laptop.get("access_token")))
                .exchange().expectStatus().isNoContent();
        service.forwardAuth((String) phone.get("access_token")).expectStatus().isUnauthorized();
        service.postForm("/oauth2/token", APP_CLIENT, APP_SECRET,
                        Map.of("grant_type", "refresh_token", "refresh_token", (String) phone.get("refresh_token")))
                .expectStatus().isBadRequest();
        // A login after the logout works again (iat has one-second precision, hence the pause).
        Thread.sleep(1100);
        Map<String, Object> again = service.passwordGrant("carol", "carol's password");
        service.forwardAuth((String) again.get("access_token")).expectStatus().isOk();
    }

    @Test
    void clientCredentialsTokenNamesTheClientAndHasNoRefreshToken() {
        service.postForm("/oauth2/token", SERVICE_CLIENT, SERVICE_SECRET,
                        Map.of("grant_type", "client_credentials", "scope", "invoices"))
                .expectStatus().isOk()
                .expectHeader().valueEquals("Cache-Control", "no-store")
                .expectBody()
                .jsonPath("$.scope").isEqualTo("invoices")
                .jsonPath("$.refresh_token").doesNotExist();
        service.forwardAuth(service.clientCredentialsToken()).expectStatus().isOk()
                .expectHeader().valueEquals(ForwardAuthHandler.SUBJECT, SERVICE_CLIENT);
    }

    @Test
    void tokenEndpointRefusesBadClientsGrantsAndScopes() {
        service.postForm("/oauth2/token", SERVICE_CLIENT, "wrong", Map.of("grant_type", "client_credentials"))
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"")
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client")
                .jsonPath("$.error_description").isEqualTo("client authentication failed")
                .jsonPath("$.type").isEqualTo("https://gatehouse.dev/problems/invalid-client");
        service.postForm("/oauth2/token", "nobody", "x", Map.of("grant_type", "client_credentials"))
                .expectStatus().isUnauthorized();
        service.postForm("/oauth2/token", SERVICE_CLIENT, SERVICE_SECRET, Map.of("grant_type", "password",
                        "username", "a", "password", "b"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("unauthorized_client");
        service.postForm("/oauth2/token", SERVICE_CLIENT, SERVICE_SECRET, Map.of("grant_type", "implicit"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("unsupported_grant_type");
        service.postForm("/oauth2/token", SERVICE_CLIENT, SERVICE_SECRET,
                        Map.of("grant_type", "client_credentials", "scope", "admin"))
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_scope");
    }

    @Test
    void jwksPublishesTheActiveKeyWithItsKid() {
        service.client().get().uri("/.well-known/jwks.json").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.keys[0].kid").isEqualTo(AuthServiceExtension.FIRST_KID)
                .jsonPath("$.keys[0].kty").isEqualTo("EC")
                .jsonPath("$.keys[0].crv").isEqualTo("P-256")
                .jsonPath("$.keys[0].d").doesNotExist();
    }
}
