package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.redis.RedisAdminConnection;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RedisReplication} against real redis-server and {@code redis-server --sentinel} processes
 * at loopback "pod IPs" (each on its own 127.x address, at the ports the pods use, connecting out
 * from it as from a pod's own network namespace: {@code bind-source-addr}), with the
 * redis.conf and sentinel.conf the operator generates: the first primary is made, the replicas
 * and Sentinels are told, Sentinel's failover of a killed primary is left alone, and the pod that
 * replaces it is enrolled as a replica of the promoted one; a paused ({@code SIGSTOP}) replica or
 * Sentinel costs a reconcile one timeout and is named, while the other Sentinels still fail over.
 */
class RedisReplicationIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** Beyond a timeout, for a busy machine's scheduling: far less than a second timeout. */
  private static final Duration SLACK = Duration.ofMillis(1500);
  private static final String PASSWORD = "a-generated-redis-password";
  private static final String SENTINEL_PASSWORD = "a-generated-sentinel-password";

  @TempDir
  Path dir;
  private final AuthService primary = AuthServices.example("managed-ha.yaml");
  private final String name = primary.getMetadata().getName();
  /** 127.A.B.x: this run's own addresses, so parallel runs never share one. */
  private final String prefix = "127." + ThreadLocalRandom.current().nextInt(1, 255) + "."
      + ThreadLocalRandom.current().nextInt(1, 255) + ".";
  private final List<Process> processes = new ArrayList<>();
  private final List<Pod> pods = new ArrayList<>();
  private final RedisReplication replication = new RedisReplication();
  /** The passwords the operator's record holds, oldest first. */
  private List<String> passwords = List.of(PASSWORD);
  /** The Sentinels' password in the operator's Secret. */
  private String sentinelPassword = SENTINEL_PASSWORD;

  @AfterEach
  void stop() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void bootstrapsThePrimaryThenFollowsSentinelThroughAFailoverAndEnrolsTheReplacement() throws Exception {
    Process redis0 = startRedis(0, 1);
    startRedis(1, 2);
    startRedis(2, 3);
    for (int i = 0; i < 3; i++) {
      startSentinel(i, 11 + i);
    }

    RedisReplication.Outcome first = replication.reconcile(primary, context());
    assertThat(first.events()).contains(
        "No Sentinel knows a Redis primary: " + name + "-redis-0 is made the primary.",
        "Redis pod " + name + "-redis-1 is made a replica of the primary at " + prefix + "1.",
        "Sentinel " + name + "-sentinel-2 is told to monitor the Redis primary at " + prefix + "1.");
    awaitTopology(t -> t.primaryPod().equals(Optional.of(name + "-redis-0"))
        && t.replicasInSync().size() == 2 && t.quorumProblem().isEmpty());
    assertThat(replication.reconcile(primary, context()).events()).as("a settled set is left alone")
        .isEmpty();
    try (RedisAdminConnection sentinel = RedisAdminConnection.open(prefix + "11", 26379, TIMEOUT)) {
      assertThat(sentinel.authenticate(List.of(SENTINEL_PASSWORD))).isTrue();
      List<String> fields = sentinel.commandForList("SENTINEL", "MASTER", "gatehouse");
      Map<String, String> master = new java.util.HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        master.put(fields.get(i), fields.get(i + 1));
      }
      assertThat(master).containsEntry("ip", prefix + "1").containsEntry("quorum", "2")
          .containsEntry("down-after-milliseconds", "5000").containsEntry("failover-timeout", "30000")
          .containsEntry("num-other-sentinels", "2").containsEntry("flags", "master");
    }

    // The primary's pod is lost: Sentinel promotes a replica; the operator only watches. The
    // Sentinels must log in to each other for it: a leader is elected by votes asked of its peers.
    redis0.destroyForcibly().waitFor();
    pods.removeIf(pod -> pod.getMetadata().getName().equals(name + "-redis-0"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    RedisTopology promoted = null;
    while (System.nanoTime() < deadline) {
      RedisReplication.Outcome outcome = replication.reconcile(primary, context());
      assertThat(outcome.events()).as("nothing is sent while Sentinel fails over").isEmpty();
      if (outcome.topology().flatMap(RedisTopology::primaryPod).isPresent()) {
        promoted = outcome.topology().get();
        break;
      }
      Thread.sleep(500);
    }
    assertThat(promoted).as("a replica promoted by Sentinel").isNotNull();
    String newPrimary = promoted.primaryPod().get();
    assertThat(newPrimary).isIn(name + "-redis-1", name + "-redis-2");

    // Its replacement starts, empty of replication, at another address: it is enrolled.
    // Once every Sentinel that names the promoted primary reports it up.
    startRedis(0, 4);
    List<String> events = new ArrayList<>();
    awaitCondition(() -> {
      events.addAll(replication.reconcile(primary, context()).events());
      return events.stream().anyMatch(event -> event.startsWith("Redis pod "));
    });
    assertThat(events).filteredOn(event -> event.startsWith("Redis pod ")).containsExactly(
        "Redis pod " + name + "-redis-0 is made a replica of the primary at " + ip(newPrimary) + ".");
    awaitTopology(t -> t.primaryPod().equals(Optional.of(newPrimary)) && t.replicasInSync().size() == 2);
  }

  /**
   * A rotation as RedisPasswordRotation sends it (every pod accepts both, replicas log in with
   * the new one), then the Sentinels are given the new one, then the old one is retired: the
   * primary never looks down to a Sentinel, so no failover.
   */
  @Test
  void aPasswordRotationReachesTheSentinelsWithoutAFailover() throws Exception {
    for (int i = 0; i < 3; i++) {
      startRedis(i, 1 + i);
      startSentinel(i, 11 + i);
    }
    replication.reconcile(primary, context());
    awaitTopology(t -> t.replicasInSync().size() == 2 && t.quorumProblem().isEmpty());

    String rotated = "a-rotated-redis-password";
    for (String ip : List.of(prefix + "1", prefix + "2", prefix + "3")) {
      try (RedisAdminConnection redis = RedisAdminConnection.open(ip, 6379, TIMEOUT)) {
        redis.authenticate(List.of(PASSWORD));
        redis.command(RedisUsersSecret.setUserCommand(List.of(PASSWORD, rotated)));
        redis.command("CONFIG", "SET", "masterauth", rotated);
      }
    }
    passwords = List.of(PASSWORD, rotated);
    replication.reconcile(primary, context());
    for (String ip : List.of(prefix + "1", prefix + "2", prefix + "3")) {
      try (RedisAdminConnection redis = RedisAdminConnection.open(ip, 6379, TIMEOUT)) {
        redis.authenticate(List.of(rotated));
        redis.command(RedisUsersSecret.setUserCommand(List.of(rotated)));
        // Logged-in connections stay so: the Sentinels must log in again to show which password
        // they hold.
        redis.command("CLIENT", "KILL", "TYPE", "normal");
        redis.command("CLIENT", "KILL", "TYPE", "pubsub");
      }
    }
    passwords = List.of(rotated);
    // Past down-after-milliseconds: a Sentinel that could not log in would have called it down.
    Thread.sleep(RedisReplication.DOWN_AFTER_MILLISECONDS + 3000);
    RedisReplication.Outcome after = replication.reconcile(primary, context());
    assertThat(after.topology()).hasValueSatisfying(t -> {
      assertThat(t.primaryPod()).contains(name + "-redis-0");
      assertThat(t.replicasInSync()).hasSize(2);
    });
    for (int i = 0; i < 3; i++) {
      assertThat(Files.readString(dir.resolve("sentinel-" + (11 + i)).resolve("log")))
          .doesNotContain("+sdown master", "+switch-master");
    }
  }

  /**
   * The Sentinels' own password: without it (or with another) nothing is answered, neither the
   * primary's address nor an order to monitor or reconfigure; with it, all is. The operator with a
   * password the Sentinels do not take changes nothing and says it could not reach them.
   */
  @Test
  void theSentinelsRefuseEveryCommandWithoutTheirPassword() throws Exception {
    startRedis(0, 1);
    startSentinel(0, 11);
    String[][] commands = {
        {"SENTINEL", "MONITOR", "rogue", prefix + "99", "6379", "1"},
        {"SENTINEL", "SET", "gatehouse", "auth-pass", "x"},
        {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", "gatehouse"},
        {"SENTINEL", "FAILOVER", "gatehouse"},
        {"SENTINEL", "REMOVE", "gatehouse"}};
    for (String[] command : commands) {
      try (RedisAdminConnection anonymous = RedisAdminConnection.open(prefix + "11", 26379, TIMEOUT)) {
        assertThatThrownBy(() -> anonymous.commandForList(command)).as(String.join(" ", command))
            .isInstanceOf(RedisAdminConnection.RedisErrorReply.class).hasMessageStartingWith("NOAUTH");
      }
    }
    try (RedisAdminConnection wrong = RedisAdminConnection.open(prefix + "11", 26379, TIMEOUT)) {
      assertThat(wrong.authenticate(List.of(PASSWORD))).as("the Redis password is not the Sentinels'")
          .isFalse();
      assertThatThrownBy(() -> wrong.command(commands[0])).hasMessageStartingWith("NOAUTH");
    }

    sentinelPassword = "not-the-sentinels-password";
    RedisReplication.Outcome refused = replication.reconcile(primary, context());
    assertThat(refused.events()).isEmpty();
    assertThat(refused.settled()).isFalse();

    sentinelPassword = SENTINEL_PASSWORD;
    assertThat(replication.reconcile(primary, context()).events()).contains(
        "Sentinel " + name + "-sentinel-0 is told to monitor the Redis primary at " + prefix + "1.");
    try (RedisAdminConnection sentinel = RedisAdminConnection.open(prefix + "11", 26379, TIMEOUT)) {
      assertThat(sentinel.authenticate(List.of(SENTINEL_PASSWORD))).isTrue();
      assertThat(sentinel.commandForList("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "gatehouse"))
          .containsExactly(prefix + "1", "6379");
      assertThat(sentinel.command("SENTINEL", "SET", "gatehouse", "down-after-milliseconds", "5000"))
          .isEqualTo("OK");
      assertThat(sentinel.command("SENTINEL", "MONITOR", "other", prefix + "1", "6379", "1"))
          .isEqualTo("OK");
      assertThat(sentinel.command("SENTINEL", "REMOVE", "other")).isEqualTo("OK");
    }
    assertThat(Files.readString(dir.resolve("sentinel-11").resolve("sentinel.conf")))
        .as("the include survives Sentinel's rewrites of its file").contains("include ");
  }

  @Test
  void whenNoSentinelKnowsAPrimaryThePodThatHasReplicasStaysTheOne() throws Exception {
    startRedis(0, 1);
    startRedis(1, 2);
    startRedis(2, 3);
    // Replication set up before the Sentinels (all replaced, say): pod 2 is the primary.
    for (String replica : List.of("1", "2")) {
      try (RedisAdminConnection redis = RedisAdminConnection.open(prefix + replica, 6379, TIMEOUT)) {
        redis.authenticate(List.of(PASSWORD));
        redis.command("REPLICAOF", prefix + "3", "6379");
      }
    }
    awaitCondition(() -> info(prefix + "3").contains("connected_slaves:2"));
    startSentinel(0, 11);

    RedisReplication.Outcome outcome = replication.reconcile(primary, context());
    assertThat(outcome.events()).containsExactly(
        "No Sentinel knows a Redis primary: " + name + "-redis-2 is made the primary.",
        "Sentinel " + name + "-sentinel-0 is told to monitor the Redis primary at " + prefix + "3.");
    assertThat(info(prefix + "1")).contains("role:slave", "master_host:" + prefix + "3");
  }

  /**
   * A paused replica, then a paused Sentinel: each reconcile asks it once and waits one timeout,
   * names it, and judges the rest as before; with the Sentinel still paused the other two agree
   * on a failover of the killed primary, which the operator follows; resumed, each is counted
   * again.
   */
  @Test
  void aPausedReplicaOrSentinelCostsAReconcileOneTimeoutAndIsNamed() throws Exception {
    Process redis0 = startRedis(0, 1);
    startRedis(1, 2);
    Process redis2 = startRedis(2, 3);
    List<Process> sentinels = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sentinels.add(startSentinel(i, 11 + i));
    }
    replication.reconcile(primary, context());
    awaitTopology(t -> t.replicasInSync().size() == 2 && t.quorumProblem().isEmpty()
        && t.sentinelsUnawareOfReplicas() == 0);
    Duration healthy = timedReconcile("nothing paused").took();

    String replica = name + "-redis-2";
    signal(redis2, "STOP");
    try {
      Timed paused = timedReconcile("replica paused");
      assertThat(paused.took()).isLessThan(RedisReplication.TIMEOUT.plus(healthy).plus(SLACK));
      assertThat(paused.outcome().settled()).isFalse();
      assertThat(paused.outcome().events()).isEmpty();
      assertThat(paused.outcome().topology()).hasValueSatisfying(t -> {
        assertThat(t.primaryPod()).contains(name + "-redis-0");
        assertThat(t.replicasInSync()).containsExactly(name + "-redis-1");
        assertThat(t.notInSync()).containsExactly(replica);
        assertThat(t.unanswered()).containsExactly(replica);
      });
    } finally {
      signal(redis2, "CONT");
    }
    awaitTopology(t -> t.replicasInSync().size() == 2 && t.unanswered().isEmpty());

    String sentinel = name + "-sentinel-1";
    signal(sentinels.get(1), "STOP");
    try {
      Timed paused = timedReconcile("Sentinel paused");
      assertThat(paused.took()).isLessThan(RedisReplication.TIMEOUT.plus(healthy).plus(SLACK));
      assertThat(paused.outcome().settled()).isFalse();
      assertThat(paused.outcome().topology()).hasValueSatisfying(t -> {
        assertThat(t.primaryPod()).contains(name + "-redis-0");
        assertThat(t.replicasInSync()).hasSize(2);
        assertThat(t.sentinelsReady()).isEqualTo(2);
        assertThat(t.quorumProblem()).as("two of three Sentinels are a majority").isEmpty();
        assertThat(t.unanswered()).containsExactly(sentinel);
      });

      redis0.destroyForcibly().waitFor();
      pods.removeIf(pod -> pod.getMetadata().getName().equals(name + "-redis-0"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      Optional<String> promoted = Optional.empty();
      while (promoted.isEmpty() && System.nanoTime() < deadline) {
        Timed during = timedReconcile("Sentinel paused, primary killed");
        assertThat(during.took()).isLessThan(RedisReplication.TIMEOUT.plus(healthy).plus(SLACK));
        assertThat(during.outcome().events()).as("nothing is sent while Sentinel fails over").isEmpty();
        assertThat(during.outcome().topology().map(RedisTopology::unanswered))
            .hasValue(List.of(sentinel));
        promoted = during.outcome().topology().flatMap(RedisTopology::primaryPod);
        Thread.sleep(500);
      }
      assertThat(promoted).as("a replica promoted by the two Sentinels that answer")
          .hasValueSatisfying(pod -> assertThat(pod).isIn(name + "-redis-1", name + "-redis-2"));
    } finally {
      signal(sentinels.get(1), "CONT");
    }
    awaitTopology(t -> t.primaryPod().isPresent() && t.sentinelsReady() == 3 && t.unanswered().isEmpty()
        && t.quorumProblem().isEmpty());
  }

  /** A Sentinel that did not answer may know a primary: none is made until it does. */
  @Test
  void noPrimaryIsMadeWhileASentinelIsPausedAndItIsNamed() throws Exception {
    for (int i = 0; i < 3; i++) {
      startRedis(i, 1 + i);
    }
    // Nothing is made without a Sentinel; and the JVM has loaded what a reconcile uses, which is
    // seconds the first time and not what is measured below.
    assertThat(replication.reconcile(primary, context()).events()).isEmpty();
    List<Process> sentinels = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sentinels.add(startSentinel(i, 11 + i));
    }
    signal(sentinels.get(2), "STOP");
    try {
      Timed paused = timedReconcile("Sentinel paused, no primary yet");
      assertThat(paused.took()).isLessThan(RedisReplication.TIMEOUT.plus(SLACK));
      assertThat(paused.outcome().events()).isEmpty();
      assertThat(paused.outcome().settled()).isFalse();
      assertThat(paused.outcome().topology()).hasValueSatisfying(t -> {
        assertThat(t.sentinelsKnowPrimary()).isFalse();
        assertThat(t.sentinelsReady()).isEqualTo(2);
        assertThat(t.unanswered()).containsExactly(name + "-sentinel-2");
      });
      assertThat(info(prefix + "2")).as("no replica made").contains("role:master");
    } finally {
      signal(sentinels.get(2), "CONT");
    }
    assertThat(replication.reconcile(primary, context()).events())
        .contains("No Sentinel knows a Redis primary: " + name + "-redis-0 is made the primary.");
  }

  private record Timed(RedisReplication.Outcome outcome, Duration took) {}

  /** One reconcile and how long it took, also printed: docs/operator.md quotes these figures. */
  private Timed timedReconcile(String what) {
    long start = System.nanoTime();
    RedisReplication.Outcome outcome = replication.reconcile(primary, context());
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println("RedisReplicationIT: a reconcile with " + what + " took " + took.toMillis() + " ms");
    return new Timed(outcome, took);
  }

  private static void signal(Process process, String signal) throws Exception {
    int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO()
        .start().waitFor();
    assertThat(exit).as("kill -" + signal).isZero();
  }

  private void awaitTopology(java.util.function.Predicate<RedisTopology> wanted) throws Exception {
    awaitCondition(() -> replication.reconcile(primary, context()).topology().filter(wanted).isPresent());
  }

  private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 30 s");
      }
      Thread.sleep(250);
    }
  }

  private String info(String ip) {
    try (RedisAdminConnection redis = RedisAdminConnection.open(ip, 6379, TIMEOUT)) {
      redis.authenticate(List.of(PASSWORD));
      return redis.command("INFO", "replication");
    } catch (IOException e) {
      return "";
    }
  }

  private Context<AuthService> context() {
    CachedSecrets cached = new CachedSecrets();
    Secret users = RedisUsersSecret.build(primary, passwords);
    Map<String, String> entries = new java.util.TreeMap<>();
    users.getData().forEach((key, value) ->
        entries.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    cached.with(AuthServiceResources.redisUsersSecretName(name), entries);
    cached.with(AuthServiceResources.sentinelPasswordSecretName(name), Map.of("password",
        sentinelPassword, SentinelPasswordSecret.AUTH_CONF_KEY, SentinelPasswordSecret.authConf(sentinelPassword)));
    pods.forEach(cached::with);
    return cached.context();
  }

  private String ip(String pod) {
    return pods.stream().filter(p -> p.getMetadata().getName().equals(pod)).findFirst().orElseThrow()
        .getStatus().getPodIP();
  }

  private Process startRedis(int ordinal, int host) throws Exception {
    String ip = prefix + host;
    Path podDir = Files.createDirectories(dir.resolve("redis-" + host));
    Secret users = RedisUsersSecret.build(primary, List.of(PASSWORD));
    for (String key : List.of(RedisUsersSecret.USERS_KEY, RedisUsersSecret.REPLICATION_KEY)) {
      Files.write(podDir.resolve(key), Base64.getDecoder().decode(users.getData().get(key)));
    }
    String conf = ManagedRedisConfigMap.redisConf(primary)
        .replace(ManagedRedisStatefulSet.AUTH_DIR, podDir.toString())
        .replace("dir " + ManagedRedisStatefulSet.DATA_DIR, "dir " + podDir);
    Files.writeString(podDir.resolve("redis.conf"), conf);
    Process process = start(podDir, ip, ManagedRedisStatefulSet.REDIS_PORT,
        "redis-server", podDir.resolve("redis.conf").toString(), "--bind", ip, "--bind-source-addr", ip);
    pods.add(pod(AuthServiceResources.redisPodName(name, ordinal), Component.REDIS, ip));
    return process;
  }

  private Process startSentinel(int ordinal, int host) throws Exception {
    String ip = prefix + host;
    Path podDir = Files.createDirectories(dir.resolve("sentinel-" + host));
    Files.writeString(podDir.resolve(SentinelPasswordSecret.AUTH_CONF_KEY),
        SentinelPasswordSecret.authConf(SENTINEL_PASSWORD));
    Files.writeString(podDir.resolve("sentinel.conf"), SentinelConfigMap.sentinelConf()
        .replace(SentinelStatefulSet.AUTH_DIR, podDir.toString())
        .replace("dir " + SentinelStatefulSet.STATE_DIR, "dir " + podDir));
    Process process = start(podDir, ip, SentinelStatefulSet.SENTINEL_PORT,
        "redis-server", podDir.resolve("sentinel.conf").toString(), "--sentinel", "--bind", ip,
        "--bind-source-addr", ip);
    pods.add(pod(AuthServiceResources.sentinelStatefulSetName(name) + "-" + ordinal,
        Component.SENTINEL, ip));
    return process;
  }

  private Process start(Path podDir, String ip, int port, String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(podDir.resolve("log").toFile()).start();
    processes.add(process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket(ip, port)) {
        return process;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(command[0] + " did not start: " + Files.readString(podDir.resolve("log")));
  }

  private Pod pod(String podName, Component component, String ip) {
    return new PodBuilder()
        .withNewMetadata().withName(podName).withNamespace("shop").withUid(UUID.randomUUID().toString())
        .withLabels(AuthServiceResources.labels(name, component)).endMetadata()
        .withNewStatus().withPodIP(ip)
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .endStatus().build();
  }
}
