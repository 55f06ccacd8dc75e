package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.web.DiscoveryIT.discovered;
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
        Map<String, Object> oidc = discovered(service,
                "/tenants/a/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/tenants/a");

        assertThat(oidc).containsEntry("token_endpoint", service.issuer() + "/oauth2/token");
        // What a proxy that strips the issuer's path forwards.
        assertThat(metadata(service.client(), "/.well-known/openid-configuration")).isEqualTo(oidc);
    }
}
