package dev.gatehouse.e2e;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.operator.redis.RedisAdminConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Redis set that a user runs outside the cluster, on this machine's loopback: a primary, a
 * replica and three real Sentinels ({@code redis-server --sentinel}, as the managed Sentinel pods
 * run it, so only Debian's redis-server package is needed) with a quorum of two, a password for
 * the data nodes and one of the Sentinels' own, every port from the OS. Failure is detected after 1 s, so a
 * test sees a failover in seconds. The e2e tier's counterpart of the auth-service tests'
 * SentinelSet, which it cannot import; logs stay in {@code dir}.
 */
final class LoopbackSentinelSet implements AutoCloseable {

  static final String HOST = "127.0.0.1";
  static final String MASTER = "shop-redis";
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private final Path dir;
  private final String password = "data-" + UUID.randomUUID();
  private final String sentinelPassword = "sentinel-" + UUID.randomUUID();
  /** Data node port to its process. */
  private final Map<Integer, Process> dataNodes = new LinkedHashMap<>();
  private final List<Process> sentinels = new ArrayList<>();
  private final List<Integer> sentinelPorts = new ArrayList<>();

  private LoopbackSentinelSet(Path dir) {
    this.dir = dir;
  }

  /** Starts the set and waits until every Sentinel knows the primary, its replica and the others. */
  static LoopbackSentinelSet start(Path dir) throws IOException {
    Files.createDirectories(dir);
    LoopbackSentinelSet set = new LoopbackSentinelSet(dir);
    try {
      int primary = set.startDataNode(List.of());
      set.startDataNode(List.of("--replicaof", HOST, Integer.toString(primary)));
      for (int i = 0; i < 3; i++) {
        set.startSentinel(i, primary);
      }
      await("Sentinels settled; logs in " + dir).atMost(SETTLE).pollInterval(Duration.ofMillis(200))
          .until(() -> set.sentinelPorts.stream().allMatch(port -> set.settled(port, primary)));
      return set;
    } catch (RuntimeException | IOException e) {
      set.close();
      throw e;
    }
  }

  String password() {
    return password;
  }

  String sentinelPassword() {
    return sentinelPassword;
  }

  List<Integer> sentinelPorts() {
    return sentinelPorts;
  }

  /** The primary's port as the first Sentinel that answers names it. */
  int primaryPort() {
    for (int port : sentinelPorts) {
      try (RedisAdminConnection sentinel = sentinel(port)) {
        List<String> address = sentinel.commandForList("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER);
        if (address.size() == 2) {
          return Integer.parseInt(address.get(1));
        }
      } catch (IOException unanswered) {
        // the next one
      }
    }
    throw new IllegalStateException("no Sentinel named a primary; logs in " + dir);
  }

  /** SIGKILL on the data node at {@code port}: no shutdown, no last save, as on a machine's loss. */
  void kill(int port) throws InterruptedException {
    Process process = dataNodes.get(port);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private int startDataNode(List<String> extra) throws IOException {
    int port = LoopbackPorts.free();
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", HOST, "--requirepass", password, "--masterauth", password, "--save", "",
        "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no"));
    command.addAll(extra);
    dataNodes.put(port, new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start());
    return port;
  }

  private void startSentinel(int i, int primary) throws IOException {
    int port = LoopbackPorts.free();
    Path config = dir.resolve("sentinel-" + i + ".conf");
    Files.writeString(config, String.join("\n",
        "port " + port,
        "bind " + HOST,
        "dir " + dir,
        "requirepass " + sentinelPassword,
        "sentinel sentinel-pass " + sentinelPassword,
        "sentinel monitor " + MASTER + " " + HOST + " " + primary + " 2",
        "sentinel auth-pass " + MASTER + " " + password,
        "sentinel down-after-milliseconds " + MASTER + " 1000",
        "sentinel failover-timeout " + MASTER + " 5000",
        "sentinel parallel-syncs " + MASTER + " 1", ""));
    sentinels.add(new ProcessBuilder("redis-server", config.toString(), "--sentinel").redirectErrorStream(true)
        .redirectOutput(dir.resolve("sentinel-" + i + ".log").toFile()).start());
    sentinelPorts.add(port);
  }

  private boolean settled(int sentinelPort, int primary) {
    try (RedisAdminConnection sentinel = sentinel(sentinelPort)) {
      List<String> fields = sentinel.commandForList("SENTINEL", "MASTER", MASTER);
      Map<String, String> master = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        master.put(fields.get(i), fields.get(i + 1));
      }
      return Integer.toString(primary).equals(master.get("port"))
          && "1".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
    } catch (IOException e) {
      return false;
    }
  }

  private RedisAdminConnection sentinel(int port) throws IOException {
    RedisAdminConnection sentinel = RedisAdminConnection.open(HOST, port, Duration.ofSeconds(1));
    if (!sentinel.authenticate(List.of(sentinelPassword))) {
      sentinel.close();
      throw new IOException("Sentinel " + port + " refuses its password");
    }
    return sentinel;
  }


  @Override
  public void close() {
    List<Process> all = new ArrayList<>(sentinels);
    all.addAll(dataNodes.values());
    for (Process process : all) {
      process.destroyForcibly();
    }
    for (Process process : all) {
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
