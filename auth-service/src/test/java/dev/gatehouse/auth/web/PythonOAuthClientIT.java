package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.PythonClients;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * authlib and joserfc (PyPI), given only the issuer: discovery, client credentials, signature
 * check against the published key set, introspection, revocation (src/test/python/discovery_client.py).
 */
class PythonOAuthClientIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension().servedAtIssuer("");

    @Test
    void aClientThatKnowsOnlyTheIssuerGetsVerifiesIntrospectsAndRevokesAToken() throws Exception {
        PythonClients.Run run = PythonClients.run("discovery_client.py", Map.of(
                "ISSUER", service.issuer(),
                "AUDIENCE", AuthServiceExtension.AUDIENCE,
                "CLIENT_ID", AuthServiceExtension.SERVICE_CLIENT,
                "CLIENT_SECRET", AuthServiceExtension.SERVICE_SECRET));

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode seen = JsonMapper.builder().build().readTree(run.stdout());
        assertThat(seen.path("token_type").asString()).isEqualTo("Bearer");
        assertThat(seen.path("sub").asString()).isEqualTo(AuthServiceExtension.SERVICE_CLIENT);
        assertThat(seen.path("active_before").asBoolean()).isTrue();
        assertThat(seen.path("revoke_status").asInt()).isEqualTo(200);
        assertThat(seen.path("active_after").asBoolean()).isFalse();
    }
}
