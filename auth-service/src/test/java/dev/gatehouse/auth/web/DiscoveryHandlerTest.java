package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.config.JwtAlgorithm;
import dev.gatehouse.auth.config.JwtProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryHandlerTest {

    @Test
    void anIssuerWithoutPathIsDiscoveredAtTheTwoWellKnownNames() {
        assertThat(DiscoveryHandler.paths("")).containsExactlyInAnyOrder(
                "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server");
        assertThat(DiscoveryHandler.paths("/")).isEqualTo(DiscoveryHandler.paths(""));
    }

    @Test
    void anIssuerWithPathIsDiscoveredWhereOidcAndRfc8414PutItAndWhereAStrippingProxySendsIt() {
        assertThat(DiscoveryHandler.paths("/tenants/a/")).containsExactlyInAnyOrder(
                "/tenants/a/.well-known/openid-configuration",
                "/.well-known/oauth-authorization-server/tenants/a",
                "/.well-known/openid-configuration",
                "/.well-known/oauth-authorization-server");
    }

    @Test
    void endpointsFollowTheIssuerAndOnlyWhatExistsIsListed() {
        var metadata = DiscoveryHandler.metadata(jwt("https://auth.example.com/tenant/", JwtAlgorithm.RS256),
                List.of("client_credentials", "refresh_token"));

        assertThat(metadata).containsEntry("issuer", "https://auth.example.com/tenant/")
                .containsEntry("token_endpoint", "https://auth.example.com/tenant/oauth2/token")
                .containsEntry("revocation_endpoint", "https://auth.example.com/tenant/oauth2/revoke")
                .containsEntry("introspection_endpoint", "https://auth.example.com/tenant/oauth2/introspect")
                .containsEntry("jwks_uri", "https://auth.example.com/tenant/.well-known/jwks.json")
                .containsEntry("grant_types_supported", List.of("client_credentials", "refresh_token"))
                .containsEntry("id_token_signing_alg_values_supported", List.of("RS256"))
                .doesNotContainKey("authorization_endpoint")
                .doesNotContainKey("userinfo_endpoint");
    }

    @Test
    void anHmacIssuerPublishesNoKeySet() {
        assertThat(DiscoveryHandler.metadata(jwt("https://auth.example.com", JwtAlgorithm.HS256), List.of()))
                .doesNotContainKey("jwks_uri");
    }

    private static JwtProperties jwt(String issuer, JwtAlgorithm algorithm) {
        return new JwtProperties(issuer, List.of("api"), algorithm, Duration.ofMinutes(15), Duration.ofHours(1),
                Path.of("/keys"), Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(30), 8192, 0);
    }
}
