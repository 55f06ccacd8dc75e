package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.CaddyServer;
import dev.gatehouse.auth.support.ForwardAuthRecipe;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Caddy recipe of examples/caddy/Caddyfile, run as written by a real Caddy (Debian) in front of
 * the service: forward_auth, the scheme Traefik's ForwardAuth shares. With no tuning to Gatehouse,
 * refusals and outages reach the client as the service answered them, and the connections to the
 * service are kept.
 */
class CaddyForwardAuthIT extends ForwardAuthRecipeIT {

    @RegisterExtension
    static final ForwardAuthRecipe caddy = new ForwardAuthRecipe(
            Path.of("..", "examples", "caddy", "Caddyfile"), Map.of(
                    "my-app.my-namespace.svc.cluster.local:8080", "%APP%",
                    "\n:8080 {", "\nhttp://127.0.0.1:%PORT% {"),
            CaddyServer::start);

    @Override
    ForwardAuthRecipe recipe() {
        return caddy;
    }

    @Test
    void mixedTrafficPassesTheIdentityAndRefusalsAsGatehouseGaveThem() throws Exception {
        ForwardAuthRecipe.Traffic traffic = caddy.mixedTraffic(caddy.proxy().port(), 600);

        assertThat(traffic.statuses()).isEqualTo(Map.of(200, 200, 401, 400));
        // Caddy pools its connections to the service; bodyless refusals never cost it one.
        assertThat(traffic.connectionsToService()).as(caddy.proxy().log()).isLessThanOrEqualTo(2);
    }
}
