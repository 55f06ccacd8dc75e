package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import dev.gatehouse.operator.api.v1alpha1.ExternalRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.RedisMode;
import dev.gatehouse.operator.api.v1alpha1.SecretKeyReference;
import dev.gatehouse.operator.api.v1alpha1.SentinelNode;
import dev.gatehouse.operator.api.v1alpha1.SentinelSpec;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Sentinel set the user runs outside the cluster (a {@link LoopbackSentinelSet} on this machine's
 * loopback, which the box lets pods reach), used through {@code spec.redis.external.sentinel}: the
 * auth pods find the primary through the Sentinels, and follow them when the primary is killed.
 */
class ExternalSentinelEndToEndIT {

  private static final Logger log = LoggerFactory.getLogger(ExternalSentinelEndToEndIT.class);

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  private static final Duration ROLL_OUT = Duration.ofMinutes(4);
  private static final String NAME = "auth";

  @Test
  void theAuthPodsFollowAnExternalSentinelSetThroughAKilledPrimary() throws Exception {
    String ns = cluster.newNamespace("ext-sentinel");
    Path logs = Path.of(System.getProperty("gatehouse.e2e.work.dir")).resolve("external-sentinel");
    try (LoopbackSentinelSet redis = LoopbackSentinelSet.start(logs)) {
      secret(ns, "redis-credentials", redis.password());
      secret(ns, "sentinel-credentials", redis.sentinelPassword());
      OAuthClient oauth = cluster.createMinimalAuthService(ns, 2, authService -> {
        SentinelSpec sentinel = new SentinelSpec(LoopbackSentinelSet.MASTER, redis.sentinelPorts().stream()
            .map(port -> new SentinelNode(LoopbackSentinelSet.HOST, port)).toList());
        sentinel.setPasswordSecretRef(new SecretKeyReference("sentinel-credentials", "password"));
        ExternalRedisSpec external = new ExternalRedisSpec();
        external.setSentinel(sentinel);
        external.setPasswordSecretRef(new SecretKeyReference("redis-credentials", "password"));
        authService.getSpec().getRedis().setMode(RedisMode.External);
        authService.getSpec().getRedis().setExternal(external);
      });
      Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));

      List<String> pods = authUrls(ns);
      String revoked = AuthApi.issueToken(pods.get(0), oauth);
      assertThat(AuthApi.forwardAuth(pods.get(1), revoked)).as("a fresh token").isEqualTo(200);
      // Acknowledged only once the replica holds it (replicaAcks 1 by default with sentinel).
      assertThat(AuthApi.revoke(pods.get(0), oauth, revoked)).isEqualTo(200);
      assertRefusedEverywhere(ns, revoked);

      int before = redis.primaryPort();
      long killed = System.nanoTime();
      redis.kill(before);
      await("a replica promoted by the Sentinels").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200)).until(() -> redis.primaryPort() != before);
      log.info("Primary 127.0.0.1:{} killed: Sentinel promoted 127.0.0.1:{} after {} ms", before,
          redis.primaryPort(), Duration.ofNanos(System.nanoTime() - killed).toMillis());

      // Every auth pod follows: it issues a token that verifies, so it reads the promoted primary.
      for (String pod : authUrls(ns)) {
        await("a token issued and verified at " + pod).atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() ->
                assertThat(AuthApi.forwardAuth(pod, AuthApi.issueToken(pod, oauth))).isEqualTo(200));
      }
      log.info("Every auth pod issues and verifies tokens {} ms after the kill",
          Duration.ofNanos(System.nanoTime() - killed).toMillis());
      assertRefusedEverywhere(ns, revoked);
      // The promoted primary has no replica left: a revocation is not acknowledged as durable.
      String unacknowledged = AuthApi.issueToken(pods.get(0), oauth);
      assertThat(AuthApi.revoke(pods.get(0), oauth, unacknowledged)).as("a revocation no replica holds")
          .isEqualTo(503);
    }
  }

  private static void assertRefusedEverywhere(String ns, String token) throws Exception {
    for (String pod : authUrls(ns)) {
      assertThat(AuthApi.forwardAuth(pod, token)).as("revoked token at %s", pod).isEqualTo(401);
    }
  }

  private static void secret(String ns, String name, String password) {
    cluster.client().secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withStringData(Map.of("password", password)).build()).create();
  }

  private static List<String> authUrls(String ns) {
    return cluster.runningAuthPods(ns).stream().map(RunningPod::baseUrl).toList();
  }
}
