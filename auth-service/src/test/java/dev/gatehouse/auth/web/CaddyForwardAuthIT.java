package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.CaddyServer;
import dev.gatehouse.auth.support.Recipes;
import dev.gatehouse.auth.support.ProxyTraffic;
import dev.gatehouse.auth.support.TcpProxy;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Caddy recipe of examples/caddy/Caddyfile, run as written by a real Caddy (Debian) in front of
 * the service: forward_auth, the scheme Traefik's ForwardAuth shares. With no tuning to Gatehouse,
 * refusals and outages reach the client as the service answered them, and the connections to the
 * service are kept.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaddyForwardAuthIT {

    private static final Path RECIPE = Path.of("..", "examples", "caddy", "Caddyfile");

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    private static TcpProxy toService;
    private static CaddyServer caddy;

    @BeforeAll
    static void startCaddy() throws Exception {
        toService = new TcpProxy(service::port);
        caddy = CaddyServer.start(Recipes.placed(RECIPE, Map.of(
                "gatehouse-auth.my-namespace.svc.cluster.local:8080", "127.0.0.1:" + toService.port(),
                "my-app.my-namespace.svc.cluster.local:8080", "%APP%",
                "\n:8080 {", "\nhttp://127.0.0.1:%PORT% {")));
    }

    @AfterAll
    static void stopCaddy() throws Exception {
        if (caddy != null) {
            caddy.close();
        }
        if (toService != null) {
            toService.close();
        }
    }

    @Test
    void mixedTrafficPassesTheIdentityAndRefusalsAsGatehouseGaveThem() throws Exception {
        String token = service.clientCredentialsToken();
        int before = toService.acceptedConnections();
        Map<Integer, Integer> statuses = ProxyTraffic.mixed(caddy.port(), token, 600);

        assertThat(statuses).isEqualTo(Map.of(200, 200, 401, 400));
        // Caddy pools its connections to the service; bodyless refusals never cost it one.
        assertThat(toService.acceptedConnections() - before).as(caddy.log()).isLessThanOrEqualTo(2);
    }

    @Test
    void aClientCannotSetItsOwnIdentityHeaders() throws Exception {
        assertThat(ProxyTraffic.withForgedIdentityHeaders(caddy.port(), service.clientCredentialsToken()))
                .isEqualTo(ProxyTraffic.IDENTITY);
    }

    /** Last: the other tests need Redis, and it takes a moment to be back. */
    @Order(Integer.MAX_VALUE)
    @Test
    void aRedisOutageReachesTheClientAs503WithRetryAfter() throws Exception {
        HttpResponse<String> response = ProxyTraffic.duringRedisOutage(service, caddy.port());

        assertThat(response.statusCode()).as(caddy.log()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
    }
}
