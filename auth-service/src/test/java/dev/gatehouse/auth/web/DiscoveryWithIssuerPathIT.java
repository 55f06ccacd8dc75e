package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.web.DiscoveryIT.metadata;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Discovery of an issuer with a path: a service behind a proxy that routes one path to it. */
class DiscoveryWithIssuerPathIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension().servedAtIssuer("/tenants/a");

    @Test
    void theDocumentIsWhereEachSpecificationPutsIt() {
        Map<String, Object> oidc = metadata(service.client(), "/tenants/a/.well-known/openid-configuration");

        assertThat(oidc).containsEntry("issuer", service.issuer())
                .containsEntry("token_endpoint", service.issuer() + "/oauth2/token");
        assertThat(metadata(service.client(), "/.well-known/oauth-authorization-server/tenants/a")).isEqualTo(oidc);
        // What a proxy that strips the issuer's path forwards.
        assertThat(metadata(service.client(), "/.well-known/openid-configuration")).isEqualTo(oidc);
    }
}
