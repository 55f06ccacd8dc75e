package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.RedisServerExtension;
import dev.gatehouse.auth.support.SentinelSet;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The service behind a Sentinel set that speaks TLS only (a primary, a replica and three
 * redis-sentinels, {@code --port 0}, replication over TLS too), its certificates signed by a
 * private CA the service is given as {@code gatehouse.redis.tls-ca-file}. The Sentinels name the
 * primary by IP address, which the certificates do not carry (they name a DNS name only): the
 * service reaches it with the chain checked against that CA, where a host-name check would refuse it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelTlsIT {

    private static final Duration FAILOVER = Duration.ofSeconds(30);
    private static final SentinelSet sentinels = SentinelSet.overTls(SentinelSet.ServiceTrust.THE_SETS_CA);

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension().on(sentinels);

    @Test
    @Order(1)
    void tokensAreIssuedVerifiedAndRevokedThroughTls() {
        await("a health check passed over TLS").atMost(Duration.ofSeconds(15)).until(() ->
                Boolean.TRUE.equals(((Map<?, ?>) health().get("health")).get("last_check_ok")));
        service.client().get().uri("/health/redis").exchange().expectBody()
                .jsonPath("$.redis.tls").isEqualTo(true)
                .jsonPath("$.redis.role").isEqualTo("master")
                .jsonPath("$.redis.port").isEqualTo(sentinels.primaryPort());

        String kept = service.clientCredentialsToken();
        String revoked = service.clientCredentialsToken();
        service.forwardAuth(kept).expectStatus().isOk();
        revoke(revoked).expectStatus().isOk();
        service.forwardAuth(revoked).expectStatus().isUnauthorized();
        service.forwardAuth(kept).expectStatus().isOk();

        service.createUser("tls-user", "a long enough password");
        Map<String, Object> tokens = service.passwordGrant("tls-user", "a long enough password");
        service.forwardAuth((String) tokens.get("access_token")).expectStatus().isOk();
    }

    /** Why the service checks the chain only: Lettuce's FULL mode refuses the set's own certificates. */
    @Test
    @Order(2)
    void aHostNameCheckWouldRefuseTheCertificatesOfTheSet() {
        RedisClient client = RedisClient.create();
        client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                .trustManager(sentinels.ca().toFile()).build()).build());
        try {
            assertThatThrownBy(() -> client.connect(RedisURI.builder().withHost("127.0.0.1")
                    .withPort(sentinels.primaryPort()).withSsl(true).withVerifyPeer(SslVerifyMode.FULL)
                    .withPassword(sentinels.password().toCharArray()).build()).close())
                    .hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                    .rootCause().hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The replica that takes over has a certificate from the same CA, at another IP-addressed port. */
    @Test
    @Order(3)
    void aKilledPrimaryIsFollowedToTheReplicaOverTls() throws Exception {
        String kept = service.clientCredentialsToken();
        String revoked = service.clientCredentialsToken();
        revoke(revoked).expectStatus().isOk();
        RedisServerExtension old = sentinels.primary();

        old.stop();
        long killed = System.nanoTime();
        await("a new primary").atMost(FAILOVER).until(() -> sentinels.primaryPort() != old.port());
        await("verification through the new primary").atMost(FAILOVER).pollInterval(Duration.ofMillis(100))
                .until(() -> service.forwardAuth(kept).returnResult(Void.class).getStatus().value() == 200);
        System.out.printf("failover over TLS after SIGKILL: verification back after %d ms%n",
                Duration.ofNanos(System.nanoTime() - killed).toMillis());

        service.forwardAuth(revoked).expectStatus().isUnauthorized();
        service.client().get().uri("/health/redis").exchange().expectBody()
                .jsonPath("$.redis.port").isEqualTo(sentinels.primaryPort())
                .jsonPath("$.redis.tls").isEqualTo(true);
    }

    private static org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec revoke(String token) {
        return service.postForm("/oauth2/revoke", AuthServiceExtension.SERVICE_CLIENT,
                AuthServiceExtension.SERVICE_SECRET, Map.of("token", token));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> health() {
        return service.client().get().uri("/health/redis").exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
    }
}
