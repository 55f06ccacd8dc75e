package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.SentinelSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A TLS-only Sentinel set whose CA the service does not trust: given another CA's file, or none
 * (the JDK's trust store). It must not connect, answer 503 (never 500) and say on /health/redis
 * that the certificate was refused.
 */
class SentinelTlsUntrustedIT {

    @RegisterExtension
    static final AuthServiceExtension anotherCa = new AuthServiceExtension()
            .on(SentinelSet.overTls(SentinelSet.ServiceTrust.ANOTHER_CA));

    @RegisterExtension
    static final AuthServiceExtension jdkCas = new AuthServiceExtension()
            .on(SentinelSet.overTls(SentinelSet.ServiceTrust.THE_JDKS_CAS));

    @Test
    void withAnotherCaTheServiceAnswers503AndSaysTheCertificateIsNotTrusted() {
        assertRefusesAndSaysWhy(anotherCa);
    }

    @Test
    void withTheJdksCasTheServiceAnswers503AndSaysTheCertificateIsNotTrusted() {
        assertRefusesAndSaysWhy(jdkCas);
    }

    private static void assertRefusesAndSaysWhy(AuthServiceExtension service) {
        WebTestClient.ResponseSpec token = service.postForm("/oauth2/token", AuthServiceExtension.SERVICE_CLIENT,
                AuthServiceExtension.SERVICE_SECRET, Map.of("grant_type", "client_credentials"));
        token.expectStatus().isEqualTo(503);
        await("a failed health check").atMost(Duration.ofSeconds(15)).until(() ->
                Boolean.FALSE.equals(health(service).get("last_check_ok")));
        Map<?, ?> report = service.client().get().uri("/health/redis").exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        System.out.println("/health/redis with an untrusted Redis CA: " + report);
        assertThat(report.get("status")).isEqualTo("unhealthy");
        assertThat((String) health(service).get("last_error"))
                .startsWith("Redis unavailable: TLS handshake failed: PKIX path");
        service.client().get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);
    }

    private static Map<?, ?> health(AuthServiceExtension service) {
        Map<?, ?> report = service.client().get().uri("/health/redis").exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (Map<?, ?>) report.get("health");
    }
}
