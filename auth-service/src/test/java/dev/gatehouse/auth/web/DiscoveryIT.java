package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.OAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.introspection.BadOpaqueTokenException;
import org.springframework.security.oauth2.server.resource.introspection.OpaqueTokenIntrospector;
import org.springframework.security.oauth2.server.resource.introspection.SpringOpaqueTokenIntrospector;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Discovery (RFC 8414, OpenID Connect discovery) read by a client that knows only the issuer: the
 * document's URLs are followed as they are, and Spring Security's JWT decoder is configured from it
 * the way docs/auth-service.md tells its users to.
 */
class DiscoveryIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension().servedAtIssuer("");

    @Test
    void theDocumentNamesEndpointsThatAnswer() {
        Map<String, Object> metadata =
                discovered(service, "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server");

        assertThat(metadata)
                .containsEntry("grant_types_supported", List.of("client_credentials", "password", "refresh_token"))
                .containsEntry("token_endpoint_auth_methods_supported",
                        List.of("client_secret_basic", "client_secret_post"));

        WebTestClient absolute = WebTestClient.bindToServer().build();
        absolute.post().uri((String) metadata.get("token_endpoint"))
                .headers(h -> h.setBasicAuth(AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=client_credentials")
                .exchange().expectStatus().isOk();
        absolute.get().uri((String) metadata.get("jwks_uri")).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.keys[0].kid").isEqualTo(AuthServiceExtension.FIRST_KID);
        for (String endpoint : List.of("revocation_endpoint", "introspection_endpoint")) {
            // Reached, and refuses a request without client credentials as the endpoint does.
            absolute.post().uri((String) metadata.get(endpoint))
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).bodyValue("token=x")
                    .exchange().expectStatus().isUnauthorized();
        }
    }

    @Test
    void springSecurityDecodesATokenWithTheDocumentedDecoder() {
        String token = service.clientCredentialsToken();

        Jwt jwt = documentedDecoder(service.issuer(), AuthServiceExtension.AUDIENCE).decode(token);

        assertThat(jwt.getSubject()).isEqualTo(AuthServiceExtension.SERVICE_CLIENT);
        assertThat(jwt.getHeaders()).containsEntry("typ", "at+jwt").containsEntry("alg", "ES256");
    }

    @Test
    void springSecuritysDefaultDecoderRefusesAnAccessTokenTypeWhichIsWhyTheDocsShowAnother() {
        JwtDecoder byDefault = JwtDecoders.fromIssuerLocation(service.issuer());

        assertThatThrownBy(() -> byDefault.decode(service.clientCredentialsToken()))
                .hasMessageContaining("typ");
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedByTheDocumentedDecoder() {
        JwtDecoder decoder = documentedDecoder(service.issuer(), "someone-else");

        assertThatThrownBy(() -> decoder.decode(service.clientCredentialsToken()))
                .isInstanceOf(JwtValidationException.class);
    }

    @Test
    void springSecuritysOpaqueTokenIntrospectorSeesARevocationTheJwtDecoderCannot() {
        String token = service.clientCredentialsToken();
        String endpoint = (String) metadata(service.client(), "/.well-known/openid-configuration")
                .get("introspection_endpoint");
        OpaqueTokenIntrospector introspector = SpringOpaqueTokenIntrospector.withIntrospectionUri(endpoint)
                .clientId(AuthServiceExtension.SERVICE_CLIENT).clientSecret(AuthServiceExtension.SERVICE_SECRET).build();

        OAuth2AuthenticatedPrincipal principal = introspector.introspect(token);
        assertThat(principal.getAttributes()).containsEntry("sub", AuthServiceExtension.SERVICE_CLIENT)
                .containsEntry("client_id", AuthServiceExtension.SERVICE_CLIENT);

        service.postForm("/oauth2/revoke", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                Map.of("token", token)).expectStatus().isOk();
        assertThatThrownBy(() -> introspector.introspect(token)).isInstanceOf(BadOpaqueTokenException.class);
        // A self-contained JWT stays valid to a decoder until it expires: revocation needs introspection.
        assertThat(documentedDecoder(service.issuer(), AuthServiceExtension.AUDIENCE).decode(token).getSubject())
                .isEqualTo(AuthServiceExtension.SERVICE_CLIENT);
    }

    /** The resource-server decoder of docs/auth-service.md, "Resource servers": keep the two alike. */
    private static JwtDecoder documentedDecoder(String issuer, String audience) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(issuer)
                // Spring accepts only typ JWT by default; Gatehouse's access tokens are at+jwt (RFC 9068).
                .validateType(false)
                .build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithValidators(
                new JwtIssuerValidator(issuer),
                new JwtTypeValidator("at+jwt"),
                new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience))));
        return decoder;
    }

    @SuppressWarnings("unchecked")
    /**
     * The OpenID Connect document at {@code oidcPath}, once it names the service's issuer and the
     * RFC 8414 document at {@code oauthPath} is the same.
     */
    static Map<String, Object> discovered(AuthServiceExtension service, String oidcPath, String oauthPath) {
        Map<String, Object> metadata = metadata(service.client(), oidcPath);
        assertThat(metadata).containsEntry("issuer", service.issuer());
        assertThat(metadata(service.client(), oauthPath)).isEqualTo(metadata);
        return metadata;
    }

    static Map<String, Object> metadata(WebTestClient client, String path) {
        return client.get().uri(path).exchange()
                .expectStatus().isOk()
                .expectHeader().contentType(MediaType.APPLICATION_JSON)
                .expectHeader().cacheControl(CacheControl.maxAge(Duration.ofHours(1)))
                .expectBody(Map.class).returnResult().getResponseBody();
    }
}
