package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.ForwardAuthRecipe;
import dev.gatehouse.auth.support.NginxServer;
import dev.gatehouse.auth.support.TcpProxy;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The nginx recipe of examples/nginx/forward-auth.conf, run as written by a real nginx in front of
 * the service. Counting TCP forwarders before and behind nginx show whether the connections are
 * kept: it closed one after every refusal while refusals carried
 * a body it never reads.
 */
class NginxForwardAuthIT extends ForwardAuthRecipeIT {

    @RegisterExtension
    static final ForwardAuthRecipe nginx = new ForwardAuthRecipe(
            Path.of("..", "examples", "nginx", "forward-auth.conf"), Map.of(
                    "http://my-app.my-namespace.svc.cluster.local:8080", "http://%APP%",
                    "listen 8080;", "listen 127.0.0.1:%PORT%;"),
            NginxServer::start);

    private static TcpProxy toNginx;

    @BeforeAll
    static void forwardToNginx() {
        toNginx = new TcpProxy(nginx.proxy()::port);
    }

    @AfterAll
    static void closeForwarder() {
        if (toNginx != null) {
            toNginx.close();
        }
    }

    @Override
    ForwardAuthRecipe recipe() {
        return nginx;
    }

    @Test
    void mixedTrafficKeepsTheConnectionsToTheAuthServiceAndPassesTheIdentity() throws Exception {
        int clientBefore = toNginx.acceptedConnections();
        ForwardAuthRecipe.Traffic traffic = nginx.mixedTraffic(toNginx.port(), 2000);

        assertThat(traffic.statuses()).isEqualTo(Map.of(200, 667, 401, 1333));
        // One request at a time: one keep-alive connection on each side, renewed only after nginx's
        // keepalive_requests (1,000 by default). nginx had opened one to the service per refusal
        // (1,333) while refusals carried a body.
        assertThat(toNginx.acceptedConnections() - clientBefore).as("client to nginx").isEqualTo(2);
        assertThat(traffic.connectionsToService()).as(nginx.proxy().log()).isEqualTo(2);
    }
}
