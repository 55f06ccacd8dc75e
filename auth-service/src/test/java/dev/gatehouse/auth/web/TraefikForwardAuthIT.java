package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.ForwardAuthRecipe;
import dev.gatehouse.auth.support.TraefikServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Traefik recipe of examples/traefik/forward-auth.yaml, run as written by a real Traefik (built
 * from its Go module) in front of the service: ForwardAuth, with no tuning to Gatehouse, gives
 * refusals and outages to the client as the service answered them, and keeps its connections to
 * the service.
 */
class TraefikForwardAuthIT extends ForwardAuthRecipeIT {

    @RegisterExtension
    static final ForwardAuthRecipe traefik = new ForwardAuthRecipe(
            Path.of("..", "examples", "traefik", "forward-auth.yaml"), Map.of(
                    "my-app.my-namespace.svc.cluster.local:8080", "%APP%"),
            TraefikServer::start);

    @Override
    ForwardAuthRecipe recipe() {
        return traefik;
    }

    @Test
    void mixedTrafficPassesTheIdentityAndRefusalsAsGatehouseGaveThem() throws Exception {
        ForwardAuthRecipe.Traffic traffic = traefik.mixedTraffic(traefik.proxy().port(), 600);

        assertThat(traffic.statuses()).isEqualTo(Map.of(200, 200, 401, 400));
        // ForwardAuth's client keeps idle connections (Go's default transport) and reads every
        // answer to its end, so requests one at a time share one connection to the service: the
        // one an earlier test of the class opened (0 new were measured), or one of its own.
        assertThat(traffic.connectionsToService()).as(traefik.proxy().log()).isLessThanOrEqualTo(1);
    }
}
