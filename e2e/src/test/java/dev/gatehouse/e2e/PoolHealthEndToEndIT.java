package dev.gatehouse.e2e;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.PODS_NOT_REPORTING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.POOL_HEALTHY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.REDIS_UNREACHABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_CAPACITY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_POOL_HEALTHY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.PoolSpec;
import dev.gatehouse.operator.api.v1alpha1.RedisPoolStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's pool-health observer against real auth processes on a real Redis: what
 * {@code RedisPoolHealthy} and {@code status.redisPool} say when everything works, when Redis stops,
 * and when one auth process dies while its pod still counts as ready.
 */
class PoolHealthEndToEndIT {

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  private static final String NAME = "auth";
  /**
   * spec.redis.pool.healthCheckInterval: the observer's poll period, and the auth service's own PING
   * period. Long enough that "within one interval" is a claim a slower poll would fail.
   */
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  /**
   * For the Redis outage: a short poll period keeps the test quick. The pods turn unready while Redis
   * is down; the observer still asks them (running pods), so the cause stays in status.
   */
  private static final Duration FAST_INTERVAL = Duration.ofSeconds(2);
  /** A status write after a poll: the reconcile it triggers, and the HTTP calls of the poll itself. */
  private static final Duration SLACK = Duration.ofSeconds(5);
  private static final Duration ROLL_OUT = Duration.ofMinutes(4);
  /** RedisPoolHealthy's states, as {@link Conditions#statusAndReason} gives them. */
  private static final String HEALTHY = "True/" + POOL_HEALTHY;
  private static final String UNREACHABLE = "False/" + REDIS_UNREACHABLE;
  private static final String NOT_REPORTING = "Unknown/" + PODS_NOT_REPORTING;

  @Test
  void poolHealthAppearsInStatusWithinOnePollInterval() {
    String ns = cluster.newNamespace("pool");
    createWithInterval(ns, 2, INTERVAL);
    Conditions.awaitReady(ROLL_OUT, () -> authService(ns));

    await("RedisPoolHealthy=True within one interval of Ready").atMost(INTERVAL.plus(SLACK))
        .until(() -> Conditions.statusAndReason(authService(ns), REDIS_POOL_HEALTHY).equals(HEALTHY));
    RedisPoolStatus pool = authService(ns).getStatus().getRedisPool();
    assertThat(pool.getRunningPods()).isEqualTo(2);
    assertThat(pool.getReportingPods()).isEqualTo(2);
    assertThat(pool.getHealth()).isEqualTo("healthy");
    assertThat(pool.getServerMaxClients()).isEqualTo(10000);
    assertThat(Conditions.find(authService(ns), REDIS_CAPACITY))
        .map(Condition::getStatus).contains("True");
  }

  @Test
  void stoppingRedisTurnsPoolHealthyFalseAndRestartingItTurnsItBack() {
    String ns = cluster.newNamespace("outage");
    createWithInterval(ns, 1, FAST_INTERVAL);
    await("pool healthy").atMost(ROLL_OUT)
        .until(() -> Conditions.statusAndReason(authService(ns), REDIS_POOL_HEALTHY).equals(HEALTHY));
    RunningPod redis = cluster.runningRedisPod(ns);

    // The redis-server process dies; its pod stays Ready in the API (the runner keeps a killed pod's
    // readiness), so only the auth pods' own view of their pool can tell.
    cluster.runner().kill(ns, redis.name());
    List<String> seen = new ArrayList<>();
    await("RedisPoolHealthy=False, RedisUnreachable").atMost(FAST_INTERVAL.multipliedBy(2).plus(SLACK))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> record(seen, Conditions.statusAndReason(authService(ns), REDIS_POOL_HEALTHY)).equals(UNREACHABLE));
    assertThat(Conditions.find(authService(ns), REDIS_POOL_HEALTHY).orElseThrow().getMessage())
        .as("the message says what the pods see").contains("cannot reach Redis");

    cluster.runner().restart(ns, redis.name());
    // Lettuce reconnects with backoff, readiness probes pass again, the next poll reports healthy.
    await("RedisPoolHealthy=True again").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> record(seen, Conditions.statusAndReason(authService(ns), REDIS_POOL_HEALTHY)).equals(HEALTHY));
    assertThat(authService(ns).getStatus().getRedisPool().getHealth()).isEqualTo("healthy");
    assertThat(seen).as("states seen").startsWith(HEALTHY);
  }

  @Test
  void killingOneAuthProcessMakesThatPodNotReportingNeverAStaleTrue() {
    String ns = cluster.newNamespace("silent");
    createWithInterval(ns, 2, INTERVAL);
    await("pool healthy, both pods reporting").atMost(ROLL_OUT.plus(INTERVAL))
        .until(() -> Conditions.statusAndReason(authService(ns), REDIS_POOL_HEALTHY).equals(HEALTHY));
    RunningPod victim = cluster.runningAuthPods(ns).get(0);

    // SIGKILL; the pod keeps its Ready condition, as in the seconds before a kubelet's probe notices
    // or when only the operator cannot reach the pod. The observer must not keep saying True.
    cluster.runner().kill(ns, victim.name());
    await("PodsNotReporting within one interval").atMost(INTERVAL.plus(SLACK))
        .until(() -> Conditions.statusAndReason(authService(ns), REDIS_POOL_HEALTHY).equals(NOT_REPORTING));
    RedisPoolStatus pool = authService(ns).getStatus().getRedisPool();
    assertThat(pool.getRunningPods()).isEqualTo(2);
    assertThat(pool.getReportingPods()).isEqualTo(1);

    cluster.runner().restart(ns, victim.name());
    await("both reporting again").atMost(Duration.ofSeconds(120))
        .until(() -> Conditions.statusAndReason(authService(ns), REDIS_POOL_HEALTHY).equals(HEALTHY));
    assertThat(authService(ns).getStatus().getRedisPool().getReportingPods()).isEqualTo(2);
  }

  private static void createWithInterval(String ns, int replicas, Duration interval) {
    cluster.createMinimalAuthService(ns, replicas, authService -> {
      PoolSpec pool = new PoolSpec();
      pool.setHealthCheckInterval(interval.toSeconds() + "s");
      authService.getSpec().getRedis().setPool(pool);
    });
  }

  private static AuthService authService(String ns) {
    return cluster.authService(ns, NAME);
  }

  /** Keeps the sequence of distinct states, so that a failure shows what was seen. */
  private static String record(List<String> seen, String state) {
    if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
      seen.add(state);
    }
    return state;
  }
}
