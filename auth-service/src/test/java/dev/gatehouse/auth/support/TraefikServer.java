package dev.gatehouse.auth.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real Traefik on loopback, built from its Go module by hack/go-probe.sh (the build links it
 * at {@code target/traefik/traefik}), running a dynamic configuration the test gives through its
 * file provider, in front of an app in this JVM that echoes the identity headers it receives:
 * Traefik, unlike nginx and Caddy, cannot answer with a request's headers itself.
 */
public final class TraefikServer extends ProxyProcess {

    private final HttpServer app;

    private TraefikServer(Path directory, Process process, int port, HttpServer app) {
        super(directory, process, port);
        this.app = app;
    }

    /**
     * @param dynamicConfig the file provider's configuration, whose routers use the entry point
     *                      {@code web}; {@code %APP%} becomes the echo app's address
     */
    public static TraefikServer start(String dynamicConfig) throws IOException, InterruptedException {
        Path binary = Path.of(System.getProperty("gatehouse.traefik.binary", "target/traefik/traefik"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Traefik not found at " + binary
                    + ": hack/go-probe.sh auth-service/src/test/go/traefik " + binary
                    + " github.com/traefik/traefik/v3/cmd/traefik builds it (./mvnw verify does)");
        }
        Path directory = Files.createTempDirectory("gatehouse-traefik");
        int port = FreePort.pick();
        HttpServer app = echoApp();
        Files.writeString(directory.resolve("dynamic.yaml"),
                dynamicConfig.replace("%APP%", "127.0.0.1:" + app.getAddress().getPort()));
        // Static configuration as flags. Traefik checks for new versions and reports anonymous usage
        // by default: both off, as the tests talk to loopback only.
        Process process = new ProcessBuilder(binary.toString(),
                "--global.checkNewVersion=false",
                "--global.sendAnonymousUsage=false",
                "--entryPoints.web.address=127.0.0.1:" + port,
                "--providers.file.filename=" + directory.resolve("dynamic.yaml"),
                "--providers.file.watch=false",
                "--log.level=INFO",
                "--log.noColor=true")
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("traefik.log").toFile())
                .start();
        TraefikServer traefik = new TraefikServer(directory, process, port, app);
        traefik.awaitListening(app.getAddress().getPort());
        traefik.awaitRouters();
        return traefik;
    }

    /**
     * Traefik listens before it applies the file provider's configuration (asynchronously, after
     * its providers' throttle of 2 s): until then every request is its own 404.
     */
    private void awaitRouters() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (client.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 404) {
            if (System.nanoTime() > deadline) {
                String log = log();
                close();
                throw new IllegalStateException("Traefik applied no router within 20 s: " + log);
            }
            Thread.sleep(100);
        }
    }

    private static HttpServer echoApp() throws IOException {
        HttpServer app = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        app.createContext("/", exchange -> {
            var headers = exchange.getRequestHeaders();
            byte[] body = "subject=%s client=%s scope=%s token=%s".formatted(headers.getFirst("X-Auth-Subject"),
                    headers.getFirst("X-Auth-Client-Id"), headers.getFirst("X-Auth-Scope"),
                    headers.getFirst("X-Auth-Token-Id"))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        app.start();
        return app;
    }

    @Override
    public String log() throws IOException {
        return Files.readString(directory().resolve("traefik.log"));
    }

    @Override
    public void close() throws InterruptedException {
        try {
            super.close();
        } finally {
            app.stop(0);
        }
    }
}
