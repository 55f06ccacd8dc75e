package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_CLIENT;
import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Introspection is served by Netty ahead of WebFlux: what WebFlux gave the other endpoints must
 * hold for it too. Its answers for good and hostile tokens are TokenLifecycleIT's and
 * HostileTokenIT's; these are the HTTP edges.
 */
class IntrospectionRouteIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @Test
    void aBadClientSecretIsA401OAuthErrorWithTheBasicChallenge() {
        service.postForm(IntrospectionRoute.PATH, SERVICE_CLIENT, "wrong", Map.of("token", "x"))
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"gatehouse\"")
                .expectHeader().valueEquals(HttpHeaders.CACHE_CONTROL, "no-store")
                .expectBody()
                .jsonPath("$.error").isEqualTo("invalid_client")
                .jsonPath("$.error_description").isEqualTo("client authentication failed")
                .jsonPath("$.type").isEqualTo("https://gatehouse.dev/problems/invalid-client")
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.instance").isEqualTo(IntrospectionRoute.PATH);
    }

    /** The token is checked beside the client's authentication, but answered only after it. */
    @Test
    void aValidTokenIsToldNothingOfToAClientThatFailsAuthentication() {
        String token = service.clientCredentialsToken();
        service.postForm(IntrospectionRoute.PATH, SERVICE_CLIENT, "wrong", Map.of("token", token))
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client").jsonPath("$.active").doesNotExist();
        service.client().post().uri(IntrospectionRoute.PATH)
                .header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_FORM_URLENCODED_VALUE)
                .bodyValue("token=" + token).exchange()
                .expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error").isEqualTo("invalid_client").jsonPath("$.active").doesNotExist();
        // A missing token is reported only to an authenticated client.
        service.postForm(IntrospectionRoute.PATH, SERVICE_CLIENT, "wrong", Map.of()).expectStatus().isUnauthorized();
        service.postForm(IntrospectionRoute.PATH, SERVICE_CLIENT, SERVICE_SECRET, Map.of("token", token))
                .expectStatus().isOk().expectBody().jsonPath("$.active").isEqualTo(true);
    }

    @Test
    void malformedFormsAreInvalidRequestsNotServerErrors() {
        for (String body : new String[] {"token=a&token=b", "token=%zz", "", "client_id=" + SERVICE_CLIENT}) {
            post(body, MediaType.APPLICATION_FORM_URLENCODED_VALUE)
                    .expectStatus().isBadRequest()
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().jsonPath("$.error").isEqualTo("invalid_request");
        }
        // A body of another type is refused, not read as a form without parameters.
        post("{\"token\":\"x\"}", MediaType.APPLICATION_JSON_VALUE).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error_description")
                .isEqualTo("Content-Type application/x-www-form-urlencoded required");
    }

    @Test
    void aBodyOverTheCodecLimitIs413() {
        post("token=" + "a".repeat(70 * 1024), MediaType.APPLICATION_FORM_URLENCODED_VALUE)
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectBody().jsonPath("$.error").isEqualTo("invalid_request")
                .jsonPath("$.type").isEqualTo("https://gatehouse.dev/problems/too-large");
    }

    @Test
    void itsRequestsLandInTheSameMetricFamilyAsTheWebFluxRoutes() {
        service.postForm(IntrospectionRoute.PATH, SERVICE_CLIENT, SERVICE_SECRET, Map.of("token", "x"))
                .expectStatus().isOk().expectBody().jsonPath("$.active").isEqualTo(false);
        service.client().get().uri("/.well-known/jwks.json").exchange().expectStatus().isOk();
        String metrics = service.client().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(metrics)
                .containsPattern("http_server_requests_seconds_count\\{application=\"gatehouse-auth\",error=\"none\","
                        + "exception=\"none\",method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/oauth2/introspect\"} [1-9]")
                .containsPattern("http_server_requests_seconds_count\\{application=\"gatehouse-auth\",error=\"none\","
                        + "exception=\"none\",method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/.well-known/jwks.json\"} [1-9]");
    }

    private static WebTestClient.ResponseSpec post(String body, String contentType) {
        return service.client().post().uri(IntrospectionRoute.PATH)
                .headers(headers -> headers.setBasicAuth(SERVICE_CLIENT, SERVICE_SECRET))
                .header(HttpHeaders.CONTENT_TYPE, contentType)
                .bodyValue(body)
                .exchange();
    }
}
