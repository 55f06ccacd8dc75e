package dev.gatehouse.auth.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real proxy process a recipe test runs (nginx, Caddy, Traefik): its private directory, the port it
 * listens on, its log, and a stop that leaves nothing behind. A missing binary fails the test.
 */
public abstract class ProxyProcess implements AutoCloseable {

    private final Path directory;
    private final Process process;
    private final int port;

    protected ProxyProcess(Path directory, Process process, int port) {
        this.directory = directory;
        this.process = process;
        this.port = port;
    }

    public int port() {
        return port;
    }

    protected Path directory() {
        return directory;
    }

    /** What the proxy wrote about itself, for a failing assertion. */
    public abstract String log() throws IOException;

    /** Until the proxy and its echo app accept connections; a proxy that exits or takes too long fails. */
    protected void awaitListening(int appPort) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!(listens(port) && listens(appPort))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = log();
                close();
                throw new IllegalStateException(getClass().getSimpleName() + " did not start: " + log);
            }
            Thread.sleep(50);
        }
    }

    protected static Path binary(String name, String... candidates) {
        for (String candidate : candidates) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException(name + " not found: apt-get install -y " + name);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        AuthServiceExtension.deleteRecursively(directory);
    }

    private static boolean listens(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
