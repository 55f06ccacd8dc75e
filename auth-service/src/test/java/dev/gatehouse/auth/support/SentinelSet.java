package dev.gatehouse.auth.support;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Redis set as the Redis operators run it: a primary, a replica and three real Sentinels with a
 * quorum of two, all on loopback with passwords (the Sentinels' own one apart from the data
 * nodes'). A Sentinel is {@code redis-server --sentinel}, the program Debian's separate
 * {@code redis-sentinel} package only names again, so the tests need no package beyond
 * {@code redis-server}. Failure is detected after 1 s ({@code down-after-milliseconds}),
 * so a test sees a failover in seconds. The data nodes are the {@link RedisServerExtension}s a test
 * kills, pauses and resumes. {@link #overTls} makes every node and Sentinel speak TLS only, with
 * certificates from a private CA made by the real {@code openssl} ({@link TlsFiles}) that name
 * {@link #TLS_NAME} and no IP address, as certificates made for a set's DNS names do, while the
 * Sentinels name the primary by IP: only the chain can be checked.
 */
public final class SentinelSet implements RedisBackend {

    /** What the service under test is told to trust for the set's TLS certificates. */
    public enum ServiceTrust {
        /** {@code gatehouse.redis.tls-ca-file}: the CA that signed the set's certificates. */
        THE_SETS_CA,
        /** {@code gatehouse.redis.tls-ca-file}: a CA of the same shape that signed nothing here. */
        ANOTHER_CA,
        /** No CA file: the JDK's trust store, which knows no private CA. */
        THE_JDKS_CAS
    }

    public static final String MASTER = "gatehouse";
    /** The only name in the TLS certificates' subject alternative names. */
    public static final String TLS_NAME = "redis.gatehouse.test";
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final String password = "data-" + UUID.randomUUID();
    private final String sentinelPassword = "sentinel-" + UUID.randomUUID();
    private final List<RedisServerExtension> servers = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    /** Null: plain TCP. */
    private final ServiceTrust trust;
    private Path directory;
    private RedisServerExtension.Tls tls;
    private Path serviceCa;

    public SentinelSet() {
        this(null);
    }

    private SentinelSet(ServiceTrust trust) {
        this.trust = trust;
    }

    /** The set over TLS only, the service trusting what {@code trust} says. */
    public static SentinelSet overTls(ServiceTrust trust) {
        return new SentinelSet(trust);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("gatehouse-sentinel");
        Files.writeString(directory.resolve("sentinel-password"), sentinelPassword + "\n");
        if (trust != null) {
            TlsFiles ca = new TlsFiles(directory.resolve("tls"));
            tls = new RedisServerExtension.Tls(ca.issue("redis", true, "DNS:" + TLS_NAME), ca.caCertificate(), ca.clientContext());
            serviceCa = switch (trust) {
                case THE_SETS_CA -> ca.caCertificate();
                case ANOTHER_CA -> new TlsFiles(directory.resolve("other-tls")).caCertificate();
                case THE_JDKS_CAS -> null;
            };
        }
        RedisServerExtension primary = new RedisServerExtension(password, List.of("--masterauth", password), tls);
        primary.beforeAll(context);
        servers.add(primary);
        RedisServerExtension replica = new RedisServerExtension(password, List.of("--masterauth", password,
                "--replicaof", "127.0.0.1", Integer.toString(primary.port())), tls);
        replica.beforeAll(context);
        servers.add(replica);
        for (int i = 0; i < 3; i++) {
            int port = FreePort.pick();
            Path config = directory.resolve("sentinel-" + i + ".conf");
            List<String> network = tls == null ? List.of("port " + port) : tls.settings(port);
            Files.writeString(config, String.join("\n", network) + "\n" + String.join("\n",
                    "bind 127.0.0.1",
                    "dir " + directory,
                    "requirepass " + sentinelPassword,
                    "sentinel sentinel-pass " + sentinelPassword,
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
                    "sentinel auth-pass " + MASTER + " " + password,
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 5000",
                    "sentinel parallel-syncs " + MASTER + " 1", ""));
            sentinels.add(new ProcessBuilder(RedisServerExtension.binary(), config.toString(), "--sentinel").redirectErrorStream(true)
                    .redirectOutput(directory.resolve("sentinel-" + i + ".log").toFile()).start());
            sentinelPorts.add(port);
        }
        awaitSettled(primary.port());
        awaitReplicated(primary);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (Process sentinel : sentinels) {
            sentinel.destroyForcibly();
            sentinel.waitFor(10, TimeUnit.SECONDS);
        }
        for (RedisServerExtension server : servers) {
            server.afterAll(context);
        }
        AuthServiceExtension.deleteRecursively(directory);
    }

    @Override
    public String password() {
        return password;
    }

    @Override
    public Map<String, String> connectionProperties() {
        Map<String, String> properties = new HashMap<>(Map.of(
                "gatehouse.redis.sentinel.master", MASTER,
                "gatehouse.redis.sentinel.nodes", sentinelPorts.stream().map(port -> "127.0.0.1:" + port)
                        .collect(Collectors.joining(",")),
                "gatehouse.redis.sentinel.password-file", directory.resolve("sentinel-password").toString(),
                "gatehouse.redis.replica-acks", "1"));
        if (tls != null) {
            properties.put("gatehouse.redis.tls", "true");
        }
        if (serviceCa != null) {
            properties.put("gatehouse.redis.tls-ca-file", serviceCa.toString());
        }
        return properties;
    }

    /** The CA that signed the set's TLS certificates. */
    public Path ca() {
        return tls.ca();
    }

    /**
     * A client for the test's own checks, which trusts the set's CA (and checks the chain only, the
     * certificates do not name 127.0.0.1), whatever the service is told to trust.
     */
    private RedisClient client() {
        RedisClient client = RedisClient.create();
        if (tls != null) {
            client.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider()
                    .trustManager(tls.ca().toFile()).build()).build());
        }
        return client;
    }

    private RedisURI.Builder at(int port) {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).withSsl(tls != null)
                .withVerifyPeer(SslVerifyMode.CA);
    }

    /** The data node the Sentinels name as primary now. */
    public RedisServerExtension primary() {
        int port = primaryPort();
        return servers.stream().filter(server -> server.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("the Sentinels name port " + port + " as primary"));
    }

    /** The data node that is not {@link #primary()}. */
    public RedisServerExtension replica() {
        RedisServerExtension primary = primary();
        return servers.stream().filter(server -> server != primary).findFirst().orElseThrow();
    }

    /** The i-th Sentinel of {@code gatehouse.redis.sentinel.nodes}, the one asked first for 0, stops answering. */
    public void pauseSentinel(int i) throws IOException, InterruptedException {
        Signals.send(sentinels.get(i), "STOP");
    }

    public void resumeSentinel(int i) throws IOException, InterruptedException {
        Signals.send(sentinels.get(i), "CONT");
    }

    /**
     * Closes every client connection of a data node (CLIENT KILL TYPE normal), as a proxy or a
     * node restart in between would: the service must open new ones, and so ask a Sentinel again.
     */
    public void dropClients(RedisServerExtension server) {
        RedisClient client = client();
        try (StatefulRedisConnection<String, String> connection = client.connect(
                at(server.port()).withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(2)).build())) {
            connection.sync().clientKill(KillArgs.Builder.typeNormal());
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Asks the first Sentinel that answers where the primary is. */
    public int primaryPort() {
        for (int port : sentinelPorts) {
            RedisClient client = client();
            try (StatefulRedisSentinelConnection<String, String> sentinel = client.connectSentinel(
                    at(port).withPassword(sentinelPassword.toCharArray())
                            .withTimeout(Duration.ofSeconds(1)).build())) {
                InetSocketAddress address = (InetSocketAddress) sentinel.sync().getMasterAddrByName(MASTER);
                return address.getPort();
            } catch (RuntimeException unanswered) {
                // the next one
            } finally {
                client.shutdown(0, 1, TimeUnit.SECONDS);
            }
        }
        throw new IllegalStateException("no Sentinel answered");
    }

    /** Runs one command on a data node, as an operator's check would. */
    public String info(RedisServerExtension server, String section) {
        RedisClient client = client();
        try (StatefulRedisConnection<String, String> connection = client.connect(
                at(server.port()).withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(2)).build())) {
            return connection.sync().info(section);
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Until the replica has caught up: a write on the primary is acknowledged by it (WAIT). */
    private void awaitReplicated(RedisServerExtension primary) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        RedisClient client = client();
        try (StatefulRedisConnection<String, String> connection = client.connect(
                at(primary.port()).withPassword(password.toCharArray()).withTimeout(Duration.ofSeconds(5)).build())) {
            while (System.nanoTime() < deadline) {
                connection.sync().set("gatehouse-test:replicated", "1");
                if (connection.sync().waitForReplication(1, 1000) >= 1) {
                    return;
                }
                Thread.sleep(200);
            }
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
        throw new IllegalStateException("the replica did not catch up within " + SETTLE + "; logs in " + directory);
    }

    /** Until every Sentinel knows the primary, its replica and the two other Sentinels. */
    private void awaitSettled(int primaryPort) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            if (sentinelPorts.stream().allMatch(port -> settled(port, primaryPort))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Sentinels did not settle within " + SETTLE + "; logs in " + directory);
    }

    private boolean settled(int sentinelPort, int primaryPort) {
        RedisClient client = client();
        try (StatefulRedisSentinelConnection<String, String> sentinel = client.connectSentinel(
                at(sentinelPort).withPassword(sentinelPassword.toCharArray())
                        .withTimeout(Duration.ofSeconds(1)).build())) {
            Map<String, String> master = sentinel.sync().master(MASTER);
            return Integer.toString(primaryPort).equals(master.get("port"))
                    && "1".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
        } catch (RuntimeException e) {
            return false;
        } finally {
            client.shutdown(0, 1, TimeUnit.SECONDS);
        }
    }
}
