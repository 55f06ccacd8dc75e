package dev.gatehouse.auth.web;

import dev.gatehouse.auth.support.AuthServiceInstance;
import dev.gatehouse.auth.support.RedisServerExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The non-default policy: with {@code when-redis-unavailable=FAIL_OPEN}, a Redis outage lets tokens
 * that verify through (skipping only the revocation check), while forgeries are still refused and
 * issuance still answers 503.
 */
class FailOpenPolicyIT {

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    static AuthServiceInstance service;

    @BeforeAll
    static void start() throws Exception {
        service = AuthServiceInstance.start(redis, Map.of("gatehouse.verification.when-redis-unavailable", "FAIL_OPEN"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void acceptsVerifiedTokensWithoutTheRevocationCheckWhileRedisIsDown() throws Exception {
        String token = service.clientCredentialsToken();
        redis.stop();
        try {
            service.forwardAuth(token).expectStatus().isOk()
                    .expectHeader().valueEquals(ForwardAuthHandler.SUBJECT, AuthServiceInstance.SERVICE_CLIENT);
            service.forwardAuth(token.substring(0, token.length() - 4) + "AAAA").expectStatus().isUnauthorized();
            service.postForm("/oauth2/token", AuthServiceInstance.SERVICE_CLIENT, AuthServiceInstance.SERVICE_SECRET,
                    Map.of("grant_type", "client_credentials")).expectStatus().isEqualTo(503);
            String metrics = service.client().get().uri("/actuator/prometheus").exchange()
                    .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
            org.assertj.core.api.Assertions.assertThat(metrics)
                    .containsPattern("gatehouse_tokens_verifications_total\\{[^}]*outcome=\"fail_open\"[^}]*} [1-9]");
        } finally {
            redis.start();
        }
    }
}
