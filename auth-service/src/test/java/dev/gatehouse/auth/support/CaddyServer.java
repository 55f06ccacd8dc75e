package dev.gatehouse.auth.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real Caddy (the Debian package) on loopback, running a Caddyfile the test gives, beside a
 * second site of its own that echoes the identity headers it receives (the protected app). A
 * missing binary fails the test, as for nginx and Redis.
 */
public final class CaddyServer extends ProxyProcess {

    private CaddyServer(Path directory, Process process, int port) {
        super(directory, process, port);
    }

    /**
     * @param caddyfile the proxy's Caddyfile; {@code %APP%} becomes the echo app's address,
     *                  {@code %PORT%} the port Caddy listens on
     */
    public static CaddyServer start(String caddyfile) throws IOException, InterruptedException {
        Path binary = binary("caddy", "/usr/bin/caddy");
        Path directory = Files.createTempDirectory("gatehouse-caddy");
        int port = FreePort.pick();
        int appPort = FreePort.pick();
        Files.writeString(directory.resolve("Caddyfile"), caddyfile
                .replace("%APP%", "127.0.0.1:" + appPort).replace("%PORT%", Integer.toString(port))
                + """

                http://127.0.0.1:%d {
                	respond "subject={http.request.header.X-Auth-Subject} client={http.request.header.X-Auth-Client-Id} scope={http.request.header.X-Auth-Scope} token={http.request.header.X-Auth-Token-Id}" 200
                }
                """.formatted(appPort));
        ProcessBuilder builder = new ProcessBuilder(binary.toString(), "run", "--adapter", "caddyfile",
                "--config", directory.resolve("Caddyfile").toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("caddy.log").toFile());
        // Caddy keeps its state under XDG directories; a test's belongs in its own.
        builder.environment().put("XDG_DATA_HOME", directory.resolve("data").toString());
        builder.environment().put("XDG_CONFIG_HOME", directory.resolve("config").toString());
        builder.environment().put("HOME", directory.toString());
        CaddyServer caddy = new CaddyServer(directory, builder.start(), port);
        caddy.awaitListening(appPort);
        return caddy;
    }

    @Override
    public String log() throws IOException {
        return Files.readString(directory().resolve("caddy.log"));
    }
}
