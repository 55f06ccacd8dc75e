package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.NginxServer;
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
 * The nginx recipe of examples/nginx/forward-auth.conf, run as written by a real nginx in front of
 * the service. Counting TCP forwarders before and behind nginx show whether the connections are
 * kept: it closed one after every refusal while refusals carried
 * a body it never reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxForwardAuthIT {

    private static final Path RECIPE = Path.of("..", "examples", "nginx", "forward-auth.conf");

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    private static TcpProxy toService;
    private static NginxServer nginx;
    private static TcpProxy toNginx;

    @BeforeAll
    static void startNginx() throws Exception {
        toService = new TcpProxy(service::port);
        nginx = NginxServer.start(Recipes.placed(RECIPE, Map.of(
                "gatehouse-auth.my-namespace.svc.cluster.local:8080", "127.0.0.1:" + toService.port(),
                "http://my-app.my-namespace.svc.cluster.local:8080", "http://%APP%",
                "listen 8080;", "listen 127.0.0.1:%PORT%;")));
        toNginx = new TcpProxy(nginx::port);
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        for (TcpProxy forwarder : new TcpProxy[] {toNginx, toService}) {
            if (forwarder != null) {
                forwarder.close();
            }
        }
    }

    @Test
    void mixedTrafficKeepsTheConnectionsToTheAuthServiceAndPassesTheIdentity() throws Exception {
        String token = service.clientCredentialsToken();
        int before = toService.acceptedConnections();
        int clientBefore = toNginx.acceptedConnections();
        Map<Integer, Integer> statuses = ProxyTraffic.mixed(toNginx.port(), token, 2000);

        assertThat(statuses).isEqualTo(Map.of(200, 667, 401, 1333));
        // One request at a time: one keep-alive connection on each side, renewed only after nginx's
        // keepalive_requests (1,000 by default). nginx had opened one to the service per refusal
        // (1,333) while refusals carried a body.
        assertThat(toNginx.acceptedConnections() - clientBefore).as("client to nginx").isEqualTo(2);
        assertThat(toService.acceptedConnections() - before).as(nginx.log()).isEqualTo(2);
    }

    @Test
    void aClientCannotSetItsOwnIdentityHeaders() throws Exception {
        assertThat(ProxyTraffic.withForgedIdentityHeaders(nginx.port(), service.clientCredentialsToken()))
                .isEqualTo(ProxyTraffic.IDENTITY);
    }

    /** Last: the other tests need Redis, and it takes a moment to be back. */
    @Order(Integer.MAX_VALUE)
    @Test
    void aRedisOutageReachesTheClientAs503WithRetryAfterNot500() throws Exception {
        HttpResponse<String> response = ProxyTraffic.duringRedisOutage(service, nginx.port());

        assertThat(response.statusCode()).as(nginx.log()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
    }
}
