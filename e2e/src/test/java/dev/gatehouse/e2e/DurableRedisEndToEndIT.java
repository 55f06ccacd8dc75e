package dev.gatehouse.e2e;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.EPHEMERAL;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_PERSISTENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.e2e.AuthApi.Tokens;
import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.PoolSpec;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What users depend on survives what happens to the managed Redis, on the cluster in a box with real
 * redis-server and auth-service processes: the Redis pod deleted (its data is on the claim), the
 * Redis process paused and resumed, and the Redis password rotated under load.
 */
class DurableRedisEndToEndIT {

  private static final Logger log = LoggerFactory.getLogger(DurableRedisEndToEndIT.class);

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  private static final Duration ROLL_OUT = Duration.ofMinutes(4);
  private static final String NAME = "auth";
  private static final String ALICE = "alice";
  private static final String MALLORY = "mallory";
  private static final String PASSWORD = "correct horse battery staple";

  @Test
  void usersRefreshTokensAndRevocationsSurviveTheLossOfTheRedisPod() throws Exception {
    String ns = cluster.newNamespace("durable");
    OAuthClient oauth = createReadyAndHealthy(ns, 2, authService -> { });
    RunningPod redis = cluster.runningRedisPod(ns);
    String claimUid = claim(ns).getMetadata().getUid();
    List<RunningPod> pods = cluster.runningAuthPods(ns);
    String a = pods.get(0).baseUrl();
    String b = pods.get(1).baseUrl();

    // State of every kind: two users, a rotated refresh token, a revoked access token, a disabled user.
    createUser(ns, a, ALICE);
    createUser(ns, a, MALLORY);
    Tokens first = AuthApi.tokens(AuthApi.passwordGrant(a, oauth, ALICE, PASSWORD));
    Tokens rotated = AuthApi.tokens(AuthApi.refreshGrant(b, oauth, first.refresh()));
    assertThat(AuthApi.revoke(a, oauth, first.access())).isEqualTo(200);
    Tokens mallory = AuthApi.tokens(AuthApi.passwordGrant(a, oauth, MALLORY, PASSWORD));
    assertThat(AuthApi.admin(a, adminToken(ns), "POST", "/admin/users/" + MALLORY + "/disable", null)
        .statusCode()).isEqualTo(204);
    assertThat(AuthApi.forwardAuth(b, first.access())).isEqualTo(401);
    assertThat(AuthApi.forwardAuth(b, mallory.access())).isEqualTo(401);
    assertThat(AuthApi.forwardAuth(b, rotated.access())).isEqualTo(200);

    // The Redis pod goes, as on a node drain or an eviction; the StatefulSet makes a new one.
    restartRedis(ns, redis, rotated.access(), a, b);
    assertThat(claim(ns).getMetadata().getUid()).as("the same claim").isEqualTo(claimUid);

    for (String pod : List.of(a, b)) {
      assertThat(AuthApi.forwardAuth(pod, first.access())).as("revoked token at %s", pod).isEqualTo(401);
      assertThat(AuthApi.introspectActive(pod, oauth, first.access())).isFalse();
      assertThat(AuthApi.forwardAuth(pod, mallory.access())).as("disabled user at %s", pod).isEqualTo(401);
      assertThat(AuthApi.introspectActive(pod, oauth, mallory.access())).isFalse();
      assertThat(AuthApi.forwardAuth(pod, rotated.access())).isEqualTo(200);
    }
    assertThat(AuthApi.passwordGrant(b, oauth, MALLORY, PASSWORD).statusCode())
        .as("a disabled user stays disabled").isNotEqualTo(200);
    Tokens again = AuthApi.tokens(AuthApi.passwordGrant(b, oauth, ALICE, PASSWORD));
    assertThat(AuthApi.forwardAuth(a, again.access())).isEqualTo(200);
    // The refresh family survived: its current token works, and its used one is still known as used.
    Tokens refreshed = AuthApi.tokens(AuthApi.refreshGrant(a, oauth, rotated.refresh()));
    assertThat(AuthApi.forwardAuth(b, refreshed.access())).isEqualTo(200);
    assertThat(AuthApi.refreshGrant(b, oauth, first.refresh()).statusCode())
        .as("a used refresh token is refused").isEqualTo(400);
  }

  @Test
  void anEphemeralRedisForgetsEverythingOnARestartAsItsConditionSays() throws Exception {
    String ns = cluster.newNamespace("ephemeral");
    OAuthClient oauth = createReadyAndHealthy(ns, 1,
        authService -> authService.getSpec().getRedis().getManaged().setEphemeral(true));
    assertThat(Conditions.find(cluster.authService(ns, NAME), REDIS_PERSISTENT))
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo(EPHEMERAL));
    assertThat(claim(ns)).isNull();
    String a = cluster.runningAuthPods(ns).get(0).baseUrl();
    createUser(ns, a, ALICE);
    Tokens alice = AuthApi.tokens(AuthApi.passwordGrant(a, oauth, ALICE, PASSWORD));
    assertThat(AuthApi.revoke(a, oauth, alice.access())).isEqualTo(200);
    assertThat(AuthApi.forwardAuth(a, alice.access())).isEqualTo(401);

    String unrelated = AuthApi.issueToken(a, oauth);
    restartRedis(ns, cluster.runningRedisPod(ns), unrelated, a);

    // What the durable test above proves does not happen, with persistence on.
    assertThat(AuthApi.forwardAuth(a, alice.access())).as("the revocation is forgotten").isEqualTo(200);
    assertThat(AuthApi.passwordGrant(a, oauth, ALICE, PASSWORD).statusCode()).as("the user is gone")
        .isNotEqualTo(200);
  }

  @Test
  void afterRedisIsPausedAndResumedEveryAuthPodIsReadyAgainWithinOneHealthCheckInterval()
      throws Exception {
    String ns = cluster.newNamespace("paused");
    Duration interval = Duration.ofSeconds(10);
    createReadyAndHealthy(ns, 2, authService -> {
      PoolSpec pool = new PoolSpec();
      pool.setHealthCheckInterval(interval.toSeconds() + "s");
      authService.getSpec().getRedis().setPool(pool);
    });
    RunningPod redis = cluster.runningRedisPod(ns);

    signal("STOP", redis);
    try {
      await("auth pods unready while Redis hangs").atMost(Duration.ofSeconds(60))
          .until(() -> readyAuthPods(ns) == 0);
      Thread.sleep(Duration.ofSeconds(20).toMillis());
    } finally {
      signal("CONT", redis);
    }
    long resumed = System.nanoTime();

    // One interval, plus a readiness probe period (5 s) for the kubelet's stand-in to see it.
    await("every auth pod Ready again").atMost(interval.plusSeconds(5 + 3)).pollInterval(Duration.ofMillis(250))
        .until(() -> readyAuthPods(ns) == 2);
    log.info("Auth pods Ready {} ms after Redis resumed",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed));
    Conditions.awaitReady(Duration.ofSeconds(30), () -> cluster.authService(ns, NAME));
    for (RunningPod pod : cluster.runningAuthPods(ns)) {
      assertThat(AuthApi.get(pod.baseUrl() + "/health/redis").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void rotatingTheRedisPasswordUnderLoadFailsNoRequestAndKeepsEveryState() throws Exception {
    String ns = cluster.newNamespace("rotate-load");
    OAuthClient oauth = createReadyAndHealthy(ns, 2, authService -> { });
    RunningPod redis = cluster.runningRedisPod(ns);
    String before = cluster.runningAuthPods(ns).get(0).baseUrl();
    createUser(ns, before, ALICE);
    Tokens alice = AuthApi.tokens(AuthApi.passwordGrant(before, oauth, ALICE, PASSWORD));
    String oldPassword = secret(ns, AuthServiceResources.redisPasswordSecretName(NAME), "password");

    Load load = Load.start(ns, oauth, 3);
    try {
      Thread.sleep(3_000);
      client().secrets().inNamespace(ns).withName(AuthServiceResources.redisPasswordSecretName(NAME))
          .delete();
      AtomicBoolean bothAccepted = new AtomicBoolean();
      await("the rotation done: pods rolled, the old password retired").atMost(ROLL_OUT)
          .pollInterval(Duration.ofMillis(200)).until(() -> {
            List<String> accepted = acceptedPasswords(ns);
            if (accepted.size() == 2) {
              bothAccepted.set(true);
            }
            Optional<String> current = Optional.ofNullable(client().secrets().inNamespace(ns)
                .withName(AuthServiceResources.redisPasswordSecretName(NAME)).get())
                .map(s -> decoded(s, "password"));
            return current.filter(p -> !p.equals(oldPassword)).map(List::of).equals(Optional.of(accepted))
                && Conditions.isReady(cluster.authService(ns, NAME));
          });
      assertThat(bothAccepted).as("old and new password accepted while the pods rolled").isTrue();
      Thread.sleep(3_000);
    } finally {
      load.stop();
    }
    log.info("Rotation under load: {} requests, {} failed, {} connects refused and {} kept-alive"
        + " connections closed unanswered by a stopping pod (sent to another)", load.requests.get(),
        load.failures.size(), load.retriedConnects.get(), load.closedBeforeAnswer.get());
    assertThat(load.failures).as("failed requests").isEmpty();
    // The preStop drain: a stopping pod serves until it is out of the endpoints, so no client is
    // refused or loses a kept-alive connection to it.
    assertThat(load.retriedConnects.get()).as("connects refused by a stopping pod").isZero();
    assertThat(load.closedBeforeAnswer.get())
        .as("kept-alive connections a stopping pod closed unanswered").isZero();
    assertThat(load.requests.get()).isGreaterThan(50);
    assertThat(load.servedBy).as("requests served by new pods").isNotEmpty();

    assertThat(cluster.runningRedisPod(ns).uid()).as("Redis was not restarted").isEqualTo(redis.uid());
    String after = cluster.runningAuthPods(ns).get(0).baseUrl();
    assertThat(AuthApi.forwardAuth(after, alice.access())).isEqualTo(200);
    assertThat(AuthApi.tokens(AuthApi.refreshGrant(after, oauth, alice.refresh())).access()).isNotBlank();
    assertThat(AuthApi.passwordGrant(after, oauth, ALICE, PASSWORD).statusCode()).isEqualTo(200);
  }

  /**
   * A bounded load of issue + verify from several threads, sent like a Service would: to a ready
   * auth pod, round robin. A connect refused, or a kept-alive connection closed with no byte of an
   * answer, by a pod that is stopping is counted apart (and sent to the next pod, as nginx and Envoy
   * do): with the auth pods' preStop drain there must be none. Any request a pod answered, and
   * answered wrongly, is a failure.
   */
  private static final class Load {
    private final AtomicReference<List<RunningPod>> ready = new AtomicReference<>(List.of());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger retriedConnects = new AtomicInteger();
    private final AtomicInteger closedBeforeAnswer = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final java.util.Set<String> servedBy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> initialPods = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Future<?>> tasks = new ArrayList<>();

    static Load start(String ns, OAuthClient oauth, int workers) {
      Load load = new Load();
      load.refresh(ns);
      load.ready.get().forEach(p -> load.initialPods.add(p.uid()));
      load.tasks.add(load.threads.submit(() -> {
        while (load.running.get()) {
          load.refresh(ns);
          sleepQuietly(100);
        }
      }));
      for (int i = 0; i < workers; i++) {
        int worker = i;
        load.tasks.add(load.threads.submit(() -> load.work(oauth, worker)));
      }
      return load;
    }

    private void refresh(String ns) {
      List<String> readyNames = client().pods().inNamespace(ns)
          .withLabel(AuthServiceResources.COMPONENT_LABEL, Component.AUTH.label()).list().getItems().stream()
          .filter(DurableRedisEndToEndIT::isReady).map(p -> p.getMetadata().getName()).toList();
      ready.set(cluster.runner().pods().stream()
          .filter(p -> p.namespace().equals(ns) && readyNames.contains(p.name())).toList());
    }

    private void work(OAuthClient oauth, int worker) {
      int next = worker;
      // Bounded: at most this many requests, and stop() ends it sooner.
      for (int n = 0; n < 20_000 && running.get(); n++) {
        List<RunningPod> pods = ready.get();
        if (pods.isEmpty()) {
          failures.add("no ready auth pod");
          sleepQuietly(100);
          continue;
        }
        RunningPod pod = pods.get(Math.floorMod(next++, pods.size()));
        try {
          HttpResponse<String> issued = AuthApi.post(pod.baseUrl() + "/oauth2/token", oauth,
              java.util.Map.of("grant_type", "client_credentials"));
          requests.incrementAndGet();
          if (issued.statusCode() != 200) {
            failures.add(pod.name() + " issue " + issued.statusCode() + " " + issued.body());
            continue;
          }
          String token = AuthApi.tokens(issued).access();
          RunningPod verifier = pods.get(Math.floorMod(next++, pods.size()));
          int verified = AuthApi.forwardAuth(verifier.baseUrl(), token);
          requests.incrementAndGet();
          if (verified != 200) {
            failures.add(verifier.name() + " verify " + verified);
          } else if (!initialPods.contains(pod.uid())) {
            servedBy.add(pod.name());
          }
        } catch (ConnectException refused) {
          retriedConnects.incrementAndGet();
        } catch (IOException e) {
          if (closedBeforeAnswering(e)) {
            // A kept-alive connection the stopping pod closed before it read this request: no
            // byte of an answer, so nothing was done; a proxy sends it to the next pod too.
            closedBeforeAnswer.incrementAndGet();
          } else {
            failures.add(pod.name() + " " + e);
          }
        } catch (RuntimeException e) {
          failures.add(pod.name() + " " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private static boolean closedBeforeAnswering(IOException e) {
      return e.getMessage() != null && e.getMessage().contains("header parser received no bytes");
    }

    void stop() throws Exception {
      running.set(false);
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
      threads.shutdownNow();
    }
  }

  // --- helpers ------------------------------------------------------------------------------------

  /**
   * Deletes the Redis pod, as a node drain or an eviction would, and waits until the StatefulSet's
   * new pod answers the auth pods: until a valid, unrevoked token verifies again at each (until
   * then requests that need Redis get 503).
   */
  private static void restartRedis(String ns, RunningPod redis, String validToken, String... authPods) {
    long deleted = System.nanoTime();
    client().pods().inNamespace(ns).withName(redis.name()).delete();
    await("a new Redis pod").atMost(ROLL_OUT).until(() -> runningRedis(ns)
        .filter(p -> !p.uid().equals(redis.uid())).isPresent());
    for (String pod : authPods) {
      await("Redis answering " + pod).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> AuthApi.forwardAuth(pod, validToken) == 200);
    }
    log.info("Redis pod deleted: requests that need Redis answered again after {} ms",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted));
  }

  /** A minimal AuthService, Ready, with every auth pod's pool healthy. */
  private static OAuthClient createReadyAndHealthy(String ns, int replicas,
      Consumer<AuthService> customize) {
    OAuthClient oauth = cluster.createMinimalAuthService(ns, replicas, customize);
    Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
    for (RunningPod pod : cluster.runningAuthPods(ns)) {
      await(pod.name() + " healthy").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> AuthApi.get(pod.baseUrl() + "/health/redis").statusCode() == 200);
    }
    return oauth;
  }

  private static void createUser(String ns, String baseUrl, String user) throws Exception {
    HttpResponse<String> created = AuthApi.admin(baseUrl, adminToken(ns), "POST", "/admin/users",
        "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
  }

  private static String adminToken(String ns) {
    return secret(ns, AuthServiceResources.adminTokenSecretName(NAME), "token");
  }

  private static List<String> acceptedPasswords(String ns) {
    Secret users = client().secrets().inNamespace(ns)
        .withName(AuthServiceResources.redisUsersSecretName(NAME)).get();
    return users == null ? List.of() : decoded(users, "passwords").lines().toList();
  }

  private static String secret(String ns, String name, String key) {
    return decoded(client().secrets().inNamespace(ns).withName(name).get(), key);
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static PersistentVolumeClaim claim(String ns) {
    return client().persistentVolumeClaims().inNamespace(ns)
        .withName(AuthServiceResources.redisDataClaimName(NAME)).get();
  }

  private static Optional<RunningPod> runningRedis(String ns) {
    try {
      return Optional.of(cluster.runningRedisPod(ns));
    } catch (AssertionError notYet) {
      return Optional.empty();
    }
  }

  private static long readyAuthPods(String ns) {
    return client().pods().inNamespace(ns).withLabel(AuthServiceResources.COMPONENT_LABEL, Component.AUTH.label())
        .list().getItems().stream().filter(DurableRedisEndToEndIT::isReady).count();
  }

  private static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && PodReadiness.isReady(pod);
  }

  private static void signal(String signal, RunningPod pod) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pod.process().pid())).start();
    assertThat(kill.waitFor()).as("kill -%s %s", signal, pod.name()).isZero();
  }

  private static KubernetesClient client() {
    return cluster.client();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
