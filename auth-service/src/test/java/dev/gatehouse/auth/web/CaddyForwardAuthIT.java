package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.CaddyServer;
import dev.gatehouse.auth.support.Recipes;
import dev.gatehouse.auth.support.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

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
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < 600; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caddy.port() + "/orders/" + i));
            switch (i % 3) {
                case 0 -> request.header("Authorization", "Bearer " + token);
                case 1 -> request.header("Authorization", "Bearer not-a-token");
                default -> { }
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(response.statusCode(), 1, Integer::sum);
            if (i % 3 == 0) {
                assertThat(response.body()).isEqualTo("subject=billing client=billing scope=invoices read");
            } else {
                assertThat(response.headers().firstValue("WWW-Authenticate")).get(STRING).startsWith("Bearer");
            }
        }

        assertThat(statuses).isEqualTo(Map.of(200, 200, 401, 400));
        // Caddy pools its connections to the service; bodyless refusals never cost it one.
        assertThat(toService.acceptedConnections() - before).as(caddy.log()).isLessThanOrEqualTo(2);
    }

    @Test
    void aClientCannotSetItsOwnIdentityHeaders() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caddy.port() + "/"))
                .header("Authorization", "Bearer " + service.clientCredentialsToken())
                .header("X-Auth-Subject", "admin")
                .header("X-Auth-Scope", "everything")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.body()).isEqualTo("subject=billing client=billing scope=invoices read");
    }

    /** Last: the other tests need Redis, and it takes a moment to be back. */
    @Order(Integer.MAX_VALUE)
    @Test
    void aRedisOutageReachesTheClientAs503WithRetryAfter() throws Exception {
        String token = service.clientCredentialsToken();
        service.redis().stop();
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + caddy.port() + "/"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as(caddy.log()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
        } finally {
            service.redis().start();
        }
    }
}
