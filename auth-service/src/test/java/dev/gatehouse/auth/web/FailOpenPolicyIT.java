package dev.gatehouse.auth.web;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The non-default policy: with {@code when-redis-unavailable=FAIL_OPEN}, a Redis outage lets tokens
 * that verify through (skipping only the revocation check), while forgeries are still refused and
 * issuance still answers 503, for a known secret and a wrong one alike.
 */
class FailOpenPolicyIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.verification.when-redis-unavailable", "FAIL_OPEN");

    @Test
    void acceptsVerifiedTokensWithoutTheRevocationCheckWhileRedisIsDown() throws Exception {
        String token = service.clientCredentialsToken();
        service.redis().stop();
        try {
            service.forwardAuth(token).expectStatus().isOk()
                    .expectHeader().valueEquals(ForwardAuthHandler.SUBJECT, AuthServiceExtension.SERVICE_CLIENT);
            service.forwardAuth(token.substring(0, token.length() - 4) + "AAAA").expectStatus().isUnauthorized();
            service.postForm("/oauth2/token", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                    Map.of("grant_type", "client_credentials")).expectStatus().isEqualTo(503);
            // The token endpoint needs Redis under every policy, so its client checks fail closed on
            // the slow path too: a wrong secret is a 503 (no guess evaluated unthrottled), and no
            // client reaches a grant unless Redis answered for its request.
            service.postForm("/oauth2/token", AuthServiceExtension.SERVICE_CLIENT, "not-the-secret",
                    Map.of("grant_type", "client_credentials")).expectStatus().isEqualTo(503);
            // Introspection authenticates its caller; the client-throttling check fails open too.
            service.postForm("/oauth2/introspect", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                    Map.of("token", token)).expectStatus().isOk().expectBody().jsonPath("$.active").isEqualTo(true);
            String metrics = service.client().get().uri("/actuator/prometheus").exchange()
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
            org.assertj.core.api.Assertions.assertThat(metrics)
                    .containsPattern("gatehouse_tokens_verifications_total\\{[^}]*outcome=\"fail_open\"[^}]*} [1-9]");
        } finally {
            service.redis().start();
        }
    }
}
