package dev.gatehouse.e2e;

import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.e2e.ClusterInABox.KubectlResult;
import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator running a whole AuthService on the cluster in a box: real control plane, real
 * auth-service and redis-server processes behind kwok's pods. Each test has its own namespace.
 */
class AuthServiceEndToEndIT {

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  /** Two JVMs starting at once on a 2-core CI machine take up to a minute or so; rolls take two starts. */
  private static final Duration ROLL_OUT = Duration.ofMinutes(4);
  private static final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private static final String NAME = "auth";

  @Test
  void deploymentBecomesAvailableStatusIsReadyAndTokensWorkAcrossPods() throws Exception {
    String ns = cluster.newNamespace("ready");
    OAuthClient oauth = cluster.createMinimalAuthService(ns, 2);

    // kubectl wait, the real binary, as a user or a CI script would wait for the resource.
    KubectlResult wait = cluster.kubectl("wait", "--for=condition=" + READY, "authservice/" + NAME, "-n", ns,
        "--timeout=" + ROLL_OUT.toSeconds() + "s");
    assertThat(wait.exitCode()).as(wait.output()).isZero();
    assertThat(wait.output()).contains("condition met");

    Deployment deployment = client().apps().deployments().inNamespace(ns).withName(NAME).get();
    assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(deployment.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Available") && c.getStatus().equals("True"));
    AuthService authService = authService(ns);
    assertThat(authService.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(authService.getStatus().getObservedGeneration())
        .isEqualTo(authService.getMetadata().getGeneration());
    assertThat(Conditions.find(authService, READY)).map(Condition::getStatus).contains("True");

    // The pods are real: each answers its /health/redis from a real pool on the real Redis. A pod
    // that started before Redis reports its reconnects as "degraded" until its next check (30 s).
    List<RunningPod> pods = cluster.runningAuthPods(ns);
    assertThat(pods).hasSize(2);
    for (RunningPod pod : pods) {
      await(pod.name() + " healthy").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1))
          .until(() -> AuthApi.get(pod.baseUrl() + "/health/redis").body().contains("\"status\":\"healthy\""));
    }

    // Issue at one pod, verify at the other, revoke, and the other refuses it: one shared Redis.
    String token = AuthApi.issueToken(pods.get(0).baseUrl(), oauth);
    assertThat(AuthApi.forwardAuth(pods.get(1).baseUrl(), token)).isEqualTo(200);
    assertThat(AuthApi.revoke(pods.get(0).baseUrl(), oauth, token)).isEqualTo(200);
    assertThat(AuthApi.forwardAuth(pods.get(1).baseUrl(), token)).isEqualTo(401);
  }

  @Test
  void deletingTheAuthServiceCascadesAndGarbageCollectionRemovesEveryChild() {
    String ns = cluster.newNamespace("cascade");
    cluster.createMinimalAuthService(ns, 1);
    Conditions.awaitReady(ROLL_OUT, () -> authService(ns));
    Set<String> before = children(ns);
    assertThat(before).contains("Deployment/" + NAME, "StatefulSet/" + NAME + "-redis", "Service/" + NAME,
        "Service/" + NAME + "-redis", "Secret/" + NAME + "-redis-password", "Secret/" + NAME + "-admin-token",
        "Secret/" + NAME + "-redis-users",
        "ConfigMap/" + NAME + "-redis-config", "NetworkPolicy/" + NAME + "-redis",
        "PodDisruptionBudget/" + NAME);
    assertThat(before).anyMatch(c -> c.startsWith("ReplicaSet/")).anyMatch(c -> c.startsWith("Pod/"));

    client().resources(AuthService.class).inNamespace(ns).withName(NAME).delete();

    // Background deletion: the garbage collector of kube-controller-manager removes the owned objects,
    // then their own dependents (ReplicaSets, pods); kwok finalises the pods; the runner stops them.
    await("every child garbage-collected").atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(children(ns)).isEmpty());
    await("every process stopped").atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(cluster.runner().pods())
            .noneMatch(p -> p.namespace().equals(ns)));
    // The user's own Secret is not a child and stays; so does Redis's data, on purpose.
    assertThat(client().secrets().inNamespace(ns).withName("e2e-clients").get()).isNotNull();
    assertThat(client().persistentVolumeClaims().inNamespace(ns)
        .withName(AuthServiceResources.redisDataClaimName(NAME)).get())
        .as("the Redis data claim is retained").isNotNull();
  }

  @Test
  void deletingTheRedisPasswordRollsThePodsOntoANewPasswordThatWorks() throws Exception {
    String ns = cluster.newNamespace("rotate");
    OAuthClient oauth = cluster.createMinimalAuthService(ns, 1);
    Conditions.awaitReady(ROLL_OUT, () -> authService(ns));
    String redisUid = cluster.runningRedisPod(ns).uid();
    String secretName = AuthServiceResources.redisPasswordSecretName(NAME);
    Secret old = client().secrets().inNamespace(ns).withName(secretName).get();
    Set<String> oldReplicaSets = authReplicaSets(ns).stream()
        .map(rs -> rs.getMetadata().getName()).collect(Collectors.toSet());

    client().secrets().inNamespace(ns).withName(secretName).delete();

    await("a new password").atMost(Duration.ofSeconds(60)).until(() -> {
      Secret current = client().secrets().inNamespace(ns).withName(secretName).get();
      return current != null && !current.getMetadata().getUid().equals(old.getMetadata().getUid());
    });
    String newPassword = decoded(client().secrets().inNamespace(ns).withName(secretName).get(), "password");
    assertThat(newPassword).isNotEqualTo(decoded(old, "password"));

    // A new ReplicaSet, rolled out completely, and the AuthService Ready again for this generation.
    await("the roll onto a new ReplicaSet").atMost(ROLL_OUT).untilAsserted(() -> {
      List<ReplicaSet> replicaSets = authReplicaSets(ns);
      assertThat(replicaSets).anyMatch(rs -> !oldReplicaSets.contains(rs.getMetadata().getName())
          && Integer.valueOf(1).equals(rs.getStatus().getReadyReplicas()));
      assertThat(replicaSets).filteredOn(rs -> oldReplicaSets.contains(rs.getMetadata().getName()))
          .allMatch(rs -> rs.getSpec().getReplicas() == 0);
      assertThat(Conditions.isReady(authService(ns))).isTrue();
    });

    // The new pod reads the new password, and Redis, never restarted, accepts it.
    List<RunningPod> pods = cluster.runningAuthPods(ns);
    assertThat(pods).hasSize(1);
    RunningPod pod = pods.get(0);
    assertThat(Files.readString(Path.of(pod.volumes().localPath("/var/run/secrets/gatehouse/redis/password"))))
        .isEqualTo(newPassword);
    await("the new pod's pool healthy").atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(AuthApi.get(pod.baseUrl() + "/health/redis").body())
            .contains("\"status\":\"healthy\""));
    String token = AuthApi.issueToken(pod.baseUrl(), oauth);
    assertThat(AuthApi.forwardAuth(pod.baseUrl(), token)).isEqualTo(200);
    assertThat(cluster.runningRedisPod(ns).uid()).as("the same Redis pod").isEqualTo(redisUid);
  }

  @Test
  void readyForANewGenerationOnlyOnceEveryPodRunsIt() {
    String ns = cluster.newNamespace("roll");
    cluster.createMinimalAuthService(ns, 2);
    Conditions.awaitReady(ROLL_OUT, () -> authService(ns));

    // A spec change that changes the pod template: the Deployment rolls one pod at a time.
    AuthService changed = authService(ns);
    changed.getSpec().getJwt().setAccessTokenTtl("10m");
    long generation = client().resource(changed).update().getMetadata().getGeneration();

    // kstatus's rule for a Deployment: Ready for the new generation means no pod of an older
    // template is left and every pod of the new one is ready. Checked the moment Ready turns True.
    await("Ready for generation " + generation).atMost(ROLL_OUT).pollInterval(Duration.ofMillis(100))
        .until(() -> Conditions.isReady(authService(ns))
            && authService(ns).getMetadata().getGeneration() == generation);
    String newest = authReplicaSets(ns).stream()
        .max(Comparator.comparingInt(rs -> Integer.parseInt(
            rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))))
        .orElseThrow().getMetadata().getLabels().get("pod-template-hash");
    List<Pod> pods = client().pods().inNamespace(ns)
        .withLabel(AuthServiceResources.COMPONENT_LABEL, Component.AUTH.label()).list().getItems();
    assertThat(pods).as("auth pods when Ready turned True for generation %d", generation)
        .allSatisfy(p -> assertThat(p.getMetadata().getLabels().get("pod-template-hash"))
            .as(p.getMetadata().getName()).isEqualTo(newest))
        .hasSize(2);
  }

  // --- the cluster's side -------------------------------------------------------------------------

  private static KubernetesClient client() {
    return cluster.client();
  }

  private static AuthService authService(String ns) {
    return cluster.authService(ns, NAME);
  }

  private static List<ReplicaSet> authReplicaSets(String ns) {
    return client().apps().replicaSets().inNamespace(ns)
        .withLabel(AuthServiceResources.COMPONENT_LABEL, Component.AUTH.label()).list().getItems();
  }

  /** Every object of this AuthService's instance label, as Kind/name. */
  private static Set<String> children(String ns) {
    Map<String, String> instance = Map.of(AuthServiceResources.INSTANCE_LABEL, NAME);
    return Stream.of(
            client().apps().deployments().inNamespace(ns).withLabels(instance).list().getItems(),
            client().apps().statefulSets().inNamespace(ns).withLabels(instance).list().getItems(),
            client().apps().replicaSets().inNamespace(ns).withLabels(instance).list().getItems(),
            client().pods().inNamespace(ns).withLabels(instance).list().getItems(),
            client().services().inNamespace(ns).withLabels(instance).list().getItems(),
            client().secrets().inNamespace(ns).withLabels(instance).list().getItems(),
            client().configMaps().inNamespace(ns).withLabels(instance).list().getItems(),
            client().network().v1().networkPolicies().inNamespace(ns).withLabels(instance).list().getItems(),
            client().policy().v1().podDisruptionBudget().inNamespace(ns).withLabels(instance).list().getItems())
        .flatMap(List::stream)
        .map(o -> ((HasMetadata) o).getKind() + "/" + ((HasMetadata) o).getMetadata().getName())
        .collect(Collectors.toSet());
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
