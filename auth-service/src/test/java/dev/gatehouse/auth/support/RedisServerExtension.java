package dev.gatehouse.auth.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (the Debian package) for the tests of one class: started on a free
 * loopback port with a password before all tests, stopped after them. {@link #stop()} and
 * {@link #start()} let a test take Redis away and bring it back on the same port. A missing
 * binary fails the tests: a skipped Redis test would be a test that cannot fail. With {@link Tls}
 * it speaks TLS only ({@code --port 0 --tls-port}), replication included.
 */
public class RedisServerExtension implements RedisBackend {

    private final String password;
    private final List<String> extraArguments;
    private final Tls tls;
    private int port;
    private Path directory;
    private Process process;

    public RedisServerExtension() {
        this("test-" + UUID.randomUUID(), List.of());
    }

    /** A server with this password and more {@code redis-server} arguments (a replica's {@code --replicaof}). */
    public RedisServerExtension(String password, List<String> extraArguments) {
        this(password, extraArguments, null);
    }

    /** As above, speaking TLS only with {@code tls}'s certificate when it is not null. */
    public RedisServerExtension(String password, List<String> extraArguments, Tls tls) {
        this.password = password;
        this.extraArguments = List.copyOf(extraArguments);
        this.tls = tls;
    }

    /**
     * A server's certificate and key ({@code tls.crt}, {@code tls.key} in {@code issued}), the CA
     * it checks its peers against, and a client context that trusts that CA. Clients need no
     * certificate of their own ({@code tls-auth-clients no}): the service presents none.
     */
    public record Tls(Path issued, Path ca, SSLContext client) {

        /** {@code redis-server} arguments, or the lines of a Sentinel's configuration file. */
        public List<String> settings(int port) {
            return List.of("port 0", "tls-port " + port,
                    "tls-cert-file " + issued.resolve("tls.crt"), "tls-key-file " + issued.resolve("tls.key"),
                    "tls-ca-cert-file " + ca, "tls-auth-clients no", "tls-replication yes");
        }
    }

    @Override
    public Map<String, String> connectionProperties() {
        return Map.of("gatehouse.redis.host", "127.0.0.1", "gatehouse.redis.port", Integer.toString(port));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("gatehouse-redis");
        port = FreePort.pick();
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
        AuthServiceExtension.deleteRecursively(directory);
    }

    public synchronized void start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary()));
        if (tls == null) {
            command.addAll(List.of("--port", Integer.toString(port)));
        } else {
            // Each configuration line is "--name value" on the command line.
            tls.settings(port).forEach(line -> command.addAll(List.of(("--" + line).split(" ", 2))));
        }
        command.addAll(List.of("--bind", "127.0.0.1",
                "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", directory.toString(),
                "--maxclients", "1000"));
        command.addAll(extraArguments);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited: " + Files.readString(directory.resolve("redis.log")));
            }
            if (answersPing()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("redis-server did not answer PING on port " + port);
    }

    /**
     * Freezes Redis with SIGSTOP, as a long fork, a VM pause or a stuck host would: sockets stay
     * open and the kernel still accepts connections, but nothing answers until {@link #resume()}.
     */
    public synchronized void pause() throws IOException, InterruptedException {
        Signals.send(process, "STOP");
    }

    /** Lets a {@link #pause() paused} Redis run again (SIGCONT). */
    public synchronized void resume() throws IOException, InterruptedException {
        Signals.send(process, "CONT");
    }

    /** Kills Redis at once, as a crash would; connected clients see their sockets close. */
    public synchronized void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static String binary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("redis-server not found: apt-get install -y redis-server");
    }

    private boolean answersPing() {
        try (Socket socket = tls == null ? new Socket("127.0.0.1", port)
                : tls.client().getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write(("AUTH " + password + "\r\nPING\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64];
            StringBuilder reply = new StringBuilder();
            while (!reply.toString().contains("PONG")) {
                int n = in.read(buffer);
                if (n < 0) {
                    return false;
                }
                reply.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    public String password() {
        return password;
    }
}
