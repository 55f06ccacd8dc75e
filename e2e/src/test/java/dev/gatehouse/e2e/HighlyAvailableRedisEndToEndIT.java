package dev.gatehouse.e2e;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.REPLICAS_IN_SYNC;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_REPLICATED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.gatehouse.operator.redis.RedisAdminConnection;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A highly available managed Redis on the cluster in a box, with real redis-server processes for
 * the primary, its two replicas and three Sentinels ({@code redis-server --sentinel}): the primary
 * lost under load (its pod deleted; its process paused), a replica promoted by Sentinel, the auth
 * pods following it, and no acknowledged revocation lost. The Sentinels answer only with their
 * own password, which the auth pods hold.
 */
class HighlyAvailableRedisEndToEndIT {

  private static final Logger log = LoggerFactory.getLogger(HighlyAvailableRedisEndToEndIT.class);

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  private static final Duration ROLL_OUT = Duration.ofMinutes(4);
  private static final String NAME = "auth";
  private static final int WORKERS = 4;
  /** Per worker: 4 × 25 rounds of three requests, at most 300 requests a second in all. */
  private static final int ROUNDS_PER_SECOND = 25;

  @Test
  void aDeletedPrimaryIsReplacedBySentinelAndNoAcknowledgedRevocationIsLost() throws Exception {
    String ns = cluster.newNamespace("ha-delete");
    OAuthClient oauth = createReadyAndReplicated(ns);
    String before = primaryPod(ns);
    assertSentinelsAnswerOnlyWithTheirPassword(ns, before);

    try (RevocationLoad load = new RevocationLoad(() -> authUrls(ns), oauth, WORKERS, ROUNDS_PER_SECOND)) {
      Thread.sleep(3000);
      long deleted = System.nanoTime();
      Duration promoted = deletePrimaryUntilPromotion(ns, before);
      Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
      awaitReplicated(ns);
      Duration ready = Duration.ofNanos(System.nanoTime() - deleted);
      Thread.sleep(3000);
      load.close();
      log.info("Primary {} deleted: {} promoted after {} ms, Ready and replicated after {} ms;"
              + " {} requests, {} failed, errors for {} ms, {} revocations acknowledged",
          before, primaryPod(ns), promoted.toMillis(), ready.toMillis(), load.requests(),
          load.failed(), load.errorWindow().toMillis(), load.acknowledgedRevocations().size());
      assertRevocationsHold(ns, oauth, load);
    }
  }

  @Test
  void aPausedPrimaryIsReplacedAndRejoinsAsAReplicaWithoutAcknowledgingAWrite() throws Exception {
    String ns = cluster.newNamespace("ha-pause");
    OAuthClient oauth = createReadyAndReplicated(ns);
    String before = primaryPod(ns);
    RunningPod paused = cluster.runner().pod(ns, before).orElseThrow();

    try (RevocationLoad load = new RevocationLoad(() -> authUrls(ns), oauth, WORKERS, ROUNDS_PER_SECOND)) {
      Thread.sleep(3000);
      long stopped = System.nanoTime();
      signal("STOP", paused);
      try {
        await("a replica promoted").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
            .until(() -> primaryOf(ns).filter(pod -> !pod.equals(before)).isPresent());
        log.info("{} paused: {} promoted after {} ms", before, primaryPod(ns),
            Duration.ofNanos(System.nanoTime() - stopped).toMillis());
        // The auth pods follow: revocations are acknowledged again while the old primary is paused.
        int acknowledged = load.acknowledgedRevocations().size();
        await("revocations acknowledged by the promoted primary").atMost(Duration.ofSeconds(30))
            .until(() -> load.acknowledgedRevocations().size() > acknowledged + 20);
        log.info("{} paused: revocations acknowledged again after {} ms", before,
            Duration.ofNanos(System.nanoTime() - stopped).toMillis());
      } finally {
        signal("CONT", paused);
      }
      String promoted = primaryPod(ns);
      await(before + " rejoins as a replica").atMost(Duration.ofSeconds(60))
          .until(() -> replicaOf(ns, before).filter(master -> master.equals(ipOf(ns, promoted))).isPresent());
      // Rejoined, it takes no write: it is a replica, and refuses one.
      try (RedisAdminConnection old = redis(ns, before)) {
        assertThatWriteRefused(old);
      }
      Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
      awaitReplicated(ns);
      Thread.sleep(3000);
      load.close();
      log.info("Primary {} paused: {} requests, {} failed, errors for {} ms, {} revocations acknowledged",
          before, load.requests(), load.failed(), load.errorWindow().toMillis(),
          load.acknowledgedRevocations().size());
      assertRevocationsHold(ns, oauth, load);
    }
  }

  /**
   * The Sentinels' password is not rotated: a deleted Secret is generated anew, and the Sentinels
   * and auth pods roll onto it. While they roll, old and new Sentinels refuse each other, so the
   * set must come back whole by itself: every Sentinel on the new password only, the AuthService
   * Ready and replicated, no acknowledged revocation lost, and a failover possible again.
   */
  @Test
  void aDeletedSentinelPasswordIsGeneratedAnewAndTheSetStillFailsOver() throws Exception {
    String ns = cluster.newNamespace("ha-sentinel-password");
    OAuthClient oauth = createReadyAndReplicated(ns);
    String secretName = AuthServiceResources.sentinelPasswordSecretName(NAME);
    String old = password(ns, secretName);

    try (RevocationLoad load = new RevocationLoad(() -> authUrls(ns), oauth, WORKERS, ROUNDS_PER_SECOND)) {
      Thread.sleep(3000);
      long deleted = System.nanoTime();
      cluster.client().secrets().inNamespace(ns).withName(secretName).delete();
      await("a new Sentinel password").atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> Optional.ofNullable(cluster.client().secrets().inNamespace(ns).withName(secretName).get())
              .filter(secret -> !old.equals(password(ns, secretName))).isPresent());
      await("every Sentinel on the new password").atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions()
          .until(() -> pods(ns, Component.SENTINEL).size() == 3 && pods(ns, Component.SENTINEL).stream()
              .allMatch(sentinel -> !logsIn(sentinel, old) && logsIn(sentinel, password(ns, secretName))));
      Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
      awaitReplicated(ns);
      log.info("Sentinel password deleted: every Sentinel on the new one, Ready and replicated after"
          + " {} ms", Duration.ofNanos(System.nanoTime() - deleted).toMillis());
      String primary = primaryPod(ns);
      assertSentinelsAnswerOnlyWithTheirPassword(ns, primary);

      Duration promoted = deletePrimaryUntilPromotion(ns, primary);
      Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
      awaitReplicated(ns);
      Thread.sleep(3000);
      load.close();
      log.info("Then primary {} deleted: {} promoted after {} ms; {} requests, {} failed, errors for"
              + " {} ms, {} revocations acknowledged", primary, primaryPod(ns), promoted.toMillis(),
          load.requests(), load.failed(), load.errorWindow().toMillis(),
          load.acknowledgedRevocations().size());
      assertRevocationsHold(ns, oauth, load);
    }
  }

  /**
   * Deletes the primary's pod as on a node's loss and waits for Sentinel to promote a replica. The
   * replacement must not be back within seconds (kwok would hand it the freed IP at once, and
   * Sentinel would see its primary merely restarted), so the node is cordoned until the promotion.
   */
  private static Duration deletePrimaryUntilPromotion(String ns, String primary) {
    String node = cluster.client().pods().inNamespace(ns).withName(primary).get().getSpec().getNodeName();
    cordon(node, true);
    long deleted = System.nanoTime();
    try {
      cluster.client().pods().inNamespace(ns).withName(primary).delete();
      log.info("Deleted the primary's pod {}", primary);
      await("a replica promoted").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> primaryOf(ns).filter(pod -> !pod.equals(primary)).isPresent());
      return Duration.ofNanos(System.nanoTime() - deleted);
    } finally {
      cordon(node, false);
    }
  }

  /** Whether a Sentinel takes this password. */
  private static boolean logsIn(Pod sentinel, String password) {
    try (RedisAdminConnection client =
        RedisAdminConnection.open(sentinel.getStatus().getPodIP(), 26379, Duration.ofSeconds(1))) {
      return client.authenticate(List.of(password));
    } catch (IOException e) {
      return false;
    }
  }

  private static void cordon(String node, boolean unschedulable) {
    cluster.client().nodes().withName(node).edit(n -> {
      n.getSpec().setUnschedulable(unschedulable ? Boolean.TRUE : null);
      return n;
    });
  }

  private static void assertThatWriteRefused(RedisAdminConnection redis) {
    try {
      redis.command("SET", "gatehouse-e2e-split-brain", "1");
      throw new AssertionError("the rejoined old primary accepted a write");
    } catch (RedisAdminConnection.RedisErrorReply e) {
      assertThat(e.getMessage()).startsWith("READONLY");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Every Sentinel refuses a client without the Sentinels' password (the auth pods found the
   * primary, so they hold it) and names the primary to one with it.
   */
  private static void assertSentinelsAnswerOnlyWithTheirPassword(String ns, String primary)
      throws IOException {
    String password = password(ns, AuthServiceResources.sentinelPasswordSecretName(NAME));
    List<Pod> sentinels = pods(ns, Component.SENTINEL);
    assertThat(sentinels).hasSize(3);
    for (Pod sentinel : sentinels) {
      String ip = sentinel.getStatus().getPodIP();
      String[] ask = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", AuthServiceResources.SENTINEL_MASTER_NAME};
      try (RedisAdminConnection anonymous = RedisAdminConnection.open(ip, 26379, Duration.ofSeconds(1))) {
        assertThatThrownBy(() -> anonymous.commandForList(ask)).as(sentinel.getMetadata().getName())
            .hasMessageStartingWith("NOAUTH");
      }
      try (RedisAdminConnection client = RedisAdminConnection.open(ip, 26379, Duration.ofSeconds(1))) {
        assertThat(client.authenticate(List.of(password))).isTrue();
        assertThat(client.commandForList(ask)).first().isEqualTo(ipOf(ns, primary));
      }
    }
  }

  /** Every revocation acknowledged during the load is refused by every auth pod after it. */
  private static void assertRevocationsHold(String ns, OAuthClient oauth, RevocationLoad load)
      throws Exception {
    assertThat(load.unsafe()).as("revoked tokens accepted right after their revocation").isEmpty();
    List<String> acknowledged = load.acknowledgedRevocations();
    assertThat(acknowledged).as("revocations acknowledged under load").hasSizeGreaterThan(100);
    List<String> pods = authUrls(ns);
    int i = 0;
    for (String token : acknowledged) {
      String pod = pods.get(i++ % pods.size());
      assertThat(AuthApi.forwardAuth(pod, token)).as("acknowledged revoked token at %s", pod)
          .isEqualTo(401);
    }
  }

  private static OAuthClient createReadyAndReplicated(String ns) {
    OAuthClient oauth = cluster.createMinimalAuthService(ns, 2, authService ->
        authService.getSpec().getRedis().getManaged().setHighAvailability(new HighAvailabilitySpec()));
    Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
    awaitReplicated(ns);
    return oauth;
  }

  private static void awaitReplicated(String ns) {
    await("RedisReplicated=True").atMost(ROLL_OUT).pollInterval(Duration.ofSeconds(1))
        .until(() -> Conditions.statusAndReason(cluster.authService(ns, NAME), REDIS_REPLICATED)
            .equals("True/" + REPLICAS_IN_SYNC));
  }

  private static List<String> authUrls(String ns) {
    return cluster.runningAuthPods(ns).stream().map(RunningPod::baseUrl).toList();
  }

  private static String primaryPod(String ns) {
    return primaryOf(ns).orElseThrow(() -> new AssertionError("no Redis pod is the primary"));
  }

  /** The Redis pod that reports itself the primary with a replica in sync, if one does. */
  private static Optional<String> primaryOf(String ns) {
    for (Pod pod : pods(ns, Component.REDIS)) {
      Optional<String> info = info(ns, pod.getMetadata().getName());
      if (info.isPresent() && info.get().contains("role:master")
          && !info.get().contains("connected_slaves:0")) {
        return Optional.of(pod.getMetadata().getName());
      }
    }
    return Optional.empty();
  }

  /** The primary's address a pod replicates from with its link up, if it is such a replica. */
  private static Optional<String> replicaOf(String ns, String pod) {
    return info(ns, pod).filter(info -> info.contains("role:slave")
            && info.contains("master_link_status:up"))
        .flatMap(info -> info.lines().filter(line -> line.startsWith("master_host:"))
            .map(line -> line.substring("master_host:".length()).strip()).findFirst());
  }

  private static Optional<String> info(String ns, String pod) {
    try (RedisAdminConnection redis = redis(ns, pod)) {
      return Optional.ofNullable(redis.command("INFO", "replication"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static RedisAdminConnection redis(String ns, String pod) throws IOException {
    RedisAdminConnection redis = RedisAdminConnection.open(ipOf(ns, pod), 6379, Duration.ofSeconds(1));
    if (!redis.authenticate(List.of(password(ns, AuthServiceResources.redisPasswordSecretName(NAME))))) {
      redis.close();
      throw new IOException("Redis " + pod + " refuses the password");
    }
    return redis;
  }

  private static String ipOf(String ns, String pod) {
    return Optional.ofNullable(cluster.client().pods().inNamespace(ns).withName(pod).get())
        .map(p -> p.getStatus().getPodIP()).orElse("");
  }

  private static List<Pod> pods(String ns, Component component) {
    return cluster.client().pods().inNamespace(ns)
        .withLabel(AuthServiceResources.COMPONENT_LABEL, component.label()).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus().getPodIP() != null)
        .toList();
  }

  /** The {@code password} of a generated Secret: the Redis's or the Sentinels'. */
  private static String password(String ns, String secretName) {
    Secret secret = cluster.client().secrets().inNamespace(ns).withName(secretName).get();
    return new String(Base64.getDecoder().decode(secret.getData().get("password")), StandardCharsets.UTF_8);
  }

  private static void signal(String signal, RunningPod pod) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pod.process().pid())).start();
    assertThat(kill.waitFor()).as("kill -%s %s", signal, pod.name()).isZero();
  }
}
