package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisHealthCheckerTest {

    @Test
    void parsesInfoClients() {
        Map<String, String> info = RedisHealthChecker.parseInfo(
                "# Clients\r\nconnected_clients:7\r\ncluster_connections:0\r\nmaxclients:10000\r\nblocked_clients:0\r\n");
        assertThat(info).containsEntry("connected_clients", "7").containsEntry("maxclients", "10000")
                .doesNotContainKey("# Clients");
    }
}
