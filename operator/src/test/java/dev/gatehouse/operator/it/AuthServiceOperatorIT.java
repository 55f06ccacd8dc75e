package dev.gatehouse.operator.it;

import static dev.gatehouse.operator.apiserver.AuditLog.byUserAgent;
import static dev.gatehouse.operator.apiserver.AuditLog.inNamespace;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.ALL_REPLICAS_READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_AVAILABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.REDIS_POOL_HEALTHY;
import static dev.gatehouse.operator.support.Conditions.condition;
import static dev.gatehouse.operator.support.Eventually.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceSpec;
import dev.gatehouse.operator.api.v1alpha1.ManagedRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.ExternalRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.api.v1alpha1.RedisMode;
import dev.gatehouse.operator.api.v1alpha1.SecretKeyReference;
import dev.gatehouse.operator.apiserver.AuditLog;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.secrets.ReferencedSecrets;
import dev.gatehouse.operator.support.ControllerStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator, as users run it, against a real kube-apiserver: the examples are applied the way
 * {@code kubectl apply --server-side} applies them, and everything asserted is what a user would
 * see with kubectl. There is no kube-controller-manager, so where a test needs a Deployment to
 * report ready pods it writes the Deployment's status the way that controller would.
 */
class AuthServiceOperatorIT extends AbstractOperatorIT {

  AuthServiceOperatorIT() {
    super(Duration.ofSeconds(60));
  }

  @Test
  void minimalExampleBecomesEveryChildObjectOwnedByTheAuthService() {
    AuthService applied = apply("minimal.yaml");

    List<HasMetadata> children = List.of(
        await(Secret.class, "auth-redis-password"),
        await(Secret.class, "auth-jwt-es256"),
        await(Secret.class, "auth-admin-token"),
        await(Secret.class, "auth-redis-users"),
        await(ConfigMap.class, "auth-redis-config"),
        await(StatefulSet.class, "auth-redis"),
        await(Service.class, "auth-redis"),
        await(NetworkPolicy.class, "auth-redis"),
        await(Deployment.class, "auth"),
        await(Service.class, "auth"),
        await(PodDisruptionBudget.class, "auth"));

    assertThat(children).allSatisfy(child -> {
      assertThat(child.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
        assertThat(owner.getKind()).isEqualTo("AuthService");
        assertThat(owner.getName()).isEqualTo("auth");
        assertThat(owner.getUid()).isEqualTo(applied.getMetadata().getUid());
        assertThat(owner.getController()).as("controller").isTrue();
        assertThat(owner.getBlockOwnerDeletion()).as("blockOwnerDeletion").isTrue();
      });
      assertThat(child.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "gatehouse-operator")
          .containsEntry("app.kubernetes.io/instance", "auth");
    });

    AuthService status = awaitStatus("auth", s -> s.getStatus().getObservedGeneration() == 1L);
    assertThat(status.getStatus().getSelector()).contains("app.kubernetes.io/instance=auth");
    assertThat(status.getStatus().getRedisPool().getPlannedConnections()).isEqualTo(32L);
    assertThat(condition(status, READY).getStatus()).isEqualTo("False");
    assertThat(condition(status, REDIS_POOL_HEALTHY).getStatus()).isEqualTo("Unknown");
  }

  @Test
  void theApiServerFillsTheDefaultResourcesAndAcceptsTheDrainAndTheSpread() throws IOException {
    // Untyped, as kubectl sends it: the CRD's defaults, not the Java model's initializers.
    GenericKubernetesResource untyped = Serialization.unmarshal(Files.readString(
        Path.of(System.getProperty("gatehouse.examples.dir"), "minimal.yaml")),
        GenericKubernetesResource.class);
    client.resource(untyped).inNamespace(namespace).create();

    AuthService stored = get("auth");
    assertThat(stored.getSpec().getResources()).isEqualTo(new AuthServiceSpec().getResources());
    assertThat(stored.getSpec().getRedis().getManaged().getResources())
        .isEqualTo(new ManagedRedisSpec().getResources());

    io.fabric8.kubernetes.api.model.PodSpec pod = await(Deployment.class, "auth").getSpec()
        .getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getResources()).isEqualTo(stored.getSpec().getResources());
    assertThat(pod.getContainers().get(0).getLifecycle().getPreStop().getSleep().getSeconds())
        .isEqualTo(10L);
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
    assertThat(pod.getTopologySpreadConstraints()).hasSize(2)
        .allSatisfy(spread -> assertThat(spread.getMatchLabelKeys()).containsExactly("pod-template-hash"));
    assertThat(await(StatefulSet.class, "auth-redis").getSpec().getTemplate().getSpec()
        .getContainers().get(0).getResources())
        .isEqualTo(stored.getSpec().getRedis().getManaged().getResources());
    awaitStatus("auth", s -> s.getStatus().getObservedGeneration() == 1L);
    // Applied as the API server stores it: the operator does not fight its own output.
    awaitQuiet();
  }

  @Test
  void noDeploymentPodTemplateStatusOrEventHoldsSecretMaterial() {
    apply("minimal.yaml");
    List<String> secretValues = new ArrayList<>();
    for (String name : List.of("auth-redis-password", "auth-jwt-es256", "auth-admin-token",
        "auth-redis-users")) {
      // Not active-kid: a kid is public (every token's header, the JWKS) and status shows it.
      await(Secret.class, name).getData().entrySet().stream()
          .filter(entry -> !entry.getKey().equals("active-kid"))
          .forEach(entry -> secretValues.add(
              new String(Base64.getDecoder().decode(entry.getValue()), StandardCharsets.UTF_8)));
    }
    await(Deployment.class, "auth");
    await(StatefulSet.class, "auth-redis");
    awaitStatus("auth", s -> s.getStatus().getObservedGeneration() == 1L);

    StringBuilder visible = new StringBuilder();
    client.apps().deployments().inNamespace(namespace).list().getItems()
        .forEach(d -> visible.append(Serialization.asYaml(d)));
    client.apps().statefulSets().inNamespace(namespace).list().getItems()
        .forEach(d -> visible.append(Serialization.asYaml(d)));
    client.configMaps().inNamespace(namespace).list().getItems()
        .forEach(c -> visible.append(Serialization.asYaml(c)));
    visible.append(Serialization.asYaml(get("auth")));
    client.v1().events().inNamespace(namespace).list().getItems()
        .forEach(e -> visible.append(Serialization.asYaml(e)));

    // password, the key, the admin token; the users record's rule and passwords.
    assertThat(secretValues).hasSize(5);
    // Each value, and every line of the multi-line PEM key, is absent from what kubectl shows.
    secretValues.stream()
        .flatMap(value -> value.lines())
        .filter(line -> line.length() >= 16 && !line.startsWith("-----"))
        .forEach(line -> assertThat(visible.toString()).doesNotContain(line));
  }

  @Test
  void reapplyingAndRestartingAfterConvergenceMakesNoWrite() {
    apply("minimal.yaml");
    await(Deployment.class, "auth");
    awaitStatus("auth", s -> s.getStatus().getObservedGeneration() == 1L);
    awaitQuiet();

    AuditLog.Mark mark = apiServer.auditLog().mark();
    apply("minimal.yaml");
    // A new operator process lists everything and reconciles every AuthService from scratch.
    operator.close();
    operator = InProcessOperator.watching(apiServer, namespace);
    awaitQuiet();

    assertThat(apiServer.auditLog().writesSince(mark,
        byUserAgent(GatehouseOperator.USER_AGENT).and(inNamespace(namespace)))).isEmpty();

    // ...and it is alive, not merely silent: a deleted child comes back at once.
    client.services().inNamespace(namespace).withName("auth").delete();
    awaitTrue(() -> {
      Service service = client.services().inNamespace(namespace).withName("auth").get();
      return service != null && service.getMetadata().getDeletionTimestamp() == null;
    });
  }

  @Test
  void driftIsCorrectedAndFieldsOthersOwnAreLeftAlone() {
    apply("minimal.yaml");
    Deployment original = await(Deployment.class, "auth");

    client.apps().deployments().inNamespace(namespace).withName("auth").edit(d -> {
      d.getSpec().setReplicas(7);
      d.getMetadata().getAnnotations().put("team.example.com/owner", "identity");
      return d;
    });

    awaitTrue(() -> deployment("auth").getSpec().getReplicas() == 2);
    assertThat(deployment("auth").getMetadata().getAnnotations())
        .containsEntry("team.example.com/owner", "identity");
    assertThat(deployment("auth").getSpec().getTemplate().getMetadata().getAnnotations()
        .get(ConfigHash.ANNOTATION))
        .isEqualTo(original.getSpec().getTemplate().getMetadata().getAnnotations()
            .get(ConfigHash.ANNOTATION));

    client.apps().statefulSets().inNamespace(namespace).withName("auth-redis").delete();
    awaitTrue(() -> {
      StatefulSet redis = client.apps().statefulSets().inNamespace(namespace).withName("auth-redis").get();
      return redis != null && redis.getMetadata().getDeletionTimestamp() == null;
    });
  }

  @Test
  void deletingTheGeneratedPasswordRotatesItRollsTheAuthPodsButNotRedisAndRetiresTheOldOne() {
    apply("minimal.yaml");
    Secret before = await(Secret.class, "auth-redis-password");
    String oldPassword = decoded(before, "password");
    awaitTrue(() -> passwords(users()).equals(List.of(oldPassword)));
    String authHash = templateHash(await(Deployment.class, "auth"));
    String redisHash = redisTemplateHash();

    client.secrets().inNamespace(namespace).withName("auth-redis-password").delete();

    awaitTrue(() -> {
      Secret now = client.secrets().inNamespace(namespace).withName("auth-redis-password").get();
      return now != null && !now.getMetadata().getUid().equals(before.getMetadata().getUid());
    });
    String newPassword = decoded(client.secrets().inNamespace(namespace)
        .withName("auth-redis-password").get(), "password");
    assertThat(newPassword).isNotEqualTo(oldPassword);
    awaitTrue(() -> !templateHash(deployment("auth")).equals(authHash));
    // No auth pod runs here (no kube-controller-manager), so no pod holds the old password and it
    // is retired at once; the cluster-in-a-box test shows both accepted while pods roll.
    awaitTrue(() -> passwords(users()).equals(List.of(newPassword)));
    assertThat(redisTemplateHash()).as("Redis is not restarted by a rotation").isEqualTo(redisHash);
    assertThat(client.v1().events().inNamespace(namespace).list().getItems())
        .extracting(Event::getReason).contains("RedisPasswordRotation");
  }

  @Test
  void theRedisDeploymentOfAnEarlierOperatorIsDeletedAndTheStatefulSetTakesItsPlace() {
    AuthService applied = apply("minimal.yaml");
    await(StatefulSet.class, "auth-redis");
    // What operators before the StatefulSet left: a Deployment of the same name, owned alike.
    Deployment legacy = client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
        .withNewMetadata().withName("auth-redis")
        .withLabels(Map.of("app.kubernetes.io/managed-by", "gatehouse-operator",
            "app.kubernetes.io/instance", "auth", "app.kubernetes.io/component", "redis"))
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("gatehouse.dev/v1alpha1")
            .withKind("AuthService").withName("auth").withUid(applied.getMetadata().getUid()).build())
        .endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("legacy", "redis")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("legacy", "redis")).endMetadata()
        .withNewSpec().addNewContainer().withName("redis").withImage("redis:7").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();

    awaitTrue(() -> {
      Deployment now = deployment("auth-redis");
      return now == null || now.getMetadata().getDeletionTimestamp() != null;
    });
    assertThat(legacy.getMetadata().getUid()).isNotNull();
    assertThat(client.apps().statefulSets().inNamespace(namespace).withName("auth-redis").get()).isNotNull();
    awaitTrue(() -> client.v1().events().inNamespace(namespace).list().getItems().stream()
        .anyMatch(e -> "RedisMigrated".equals(e.getReason())));
  }

  @Test
  void missingPasswordSecretIsReportedAndTheOperatorRecoversWhenItAppears() {
    apply("production.yaml");

    AuthService blocked = awaitStatus("auth-prod",
        s -> "SecretMissing".equals(condition(s, READY).getReason()));
    assertThat(condition(blocked, READY).getStatus()).isEqualTo("False");
    assertThat(condition(blocked, READY).getMessage())
        .contains("Secret redis-credentials", "Secret auth-prod-clients", "does not exist", namespace);
    assertThat(client.apps().deployments().inNamespace(namespace).withName("auth-prod").get()).isNull();
    assertThat(client.v1().events().inNamespace(namespace).list().getItems())
        .extracting(Event::getReason).contains("SecretMissing");

    createSecret("redis-credentials", Map.of("password", "an-external-password"));
    awaitStatus("auth-prod", s -> condition(s, READY).getMessage().contains("auth-prod-clients")
        && !condition(s, READY).getMessage().contains("redis-credentials"));
    createSecret("auth-prod-clients", Map.of("clients.yaml", "clients: []\n"));

    Deployment deployment = await(Deployment.class, "auth-prod");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .anySatisfy(v -> assertThat(v.getSecret() != null
            && "redis-credentials".equals(v.getSecret().getSecretName())).isTrue());
    awaitStatus("auth-prod", s -> !"SecretMissing".equals(condition(s, READY).getReason()));
    assertThat(client.apps().deployments().inNamespace(namespace).withName("auth-prod-redis").get())
        .as("an external Redis means no managed one").isNull();
  }

  @Test
  void aSentinelSetReachesThePodsAndItsPasswordSecretIsCheckedWatchedAndRollsThem() {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("redis-credentials").endMetadata()
        .withStringData(Map.of("password", "an-external-password")).build()).create();
    apply("external-sentinel.yaml");

    AuthService blocked = awaitStatus("auth-ha",
        s -> "SecretMissing".equals(condition(s, "Ready").getReason()));
    assertThat(condition(blocked, "Ready").getMessage()).contains("Secret sentinel-credentials"
        + " (spec.redis.external.sentinel.passwordSecretRef) does not exist in namespace " + namespace);
    assertThat(deployment("auth-ha")).isNull();

    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("sentinel-credentials").endMetadata()
        .withStringData(Map.of("password", "a-sentinel-password")).build()).create();
    Deployment first = await(Deployment.class, "auth-ha");
    Map<String, String> env = new java.util.TreeMap<>();
    first.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));
    assertThat(env)
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_MASTER", "shop-redis")
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_NODES",
            "redis-sentinel-0.redis-sentinel.data.svc:26379,"
                + "redis-sentinel-1.redis-sentinel.data.svc:26379,"
                + "redis-sentinel-2.redis-sentinel.data.svc:26379")
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_PASSWORDFILE",
            "/var/run/secrets/gatehouse/redis-sentinel/password")
        .containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "1")
        .doesNotContainKeys("GATEHOUSE_REDIS_HOST", "GATEHOUSE_REDIS_PORT");
    assertThat(first.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> "sentinel-password".equals(v.getName())).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("sentinel-credentials"));
    assertThat(client.secrets().inNamespace(namespace).withName("sentinel-credentials").get()
        .getMetadata().getLabels()).containsEntry(ReferencedSecrets.LABEL, "true");
    awaitStatus("auth-ha", s -> !"SecretMissing".equals(condition(s, "Ready").getReason()));
    assertThat(client.apps().statefulSets().inNamespace(namespace).withName("auth-ha-redis").get())
        .as("an external Redis means no managed one").isNull();

    client.secrets().inNamespace(namespace).withName("sentinel-credentials").edit(secret ->
        new SecretBuilder(secret).withData(null)
            .withStringData(Map.of("password", "a-rotated-sentinel-password")).build());
    awaitTrue(() -> !templateHash(deployment("auth-ha")).equals(templateHash(first)));
  }

  @Test
  void theHighlyAvailableExampleBecomesRedisReplicasAndSentinelsThatTheAuthPodsAsk() {
    AuthService applied = apply("managed-ha.yaml");
    String name = applied.getMetadata().getName();

    StatefulSet redis = await(StatefulSet.class, name + "-redis");
    StatefulSet sentinels = await(StatefulSet.class, name + "-sentinel");
    List<HasMetadata> children = List.of(redis, sentinels,
        await(ConfigMap.class, name + "-sentinel-config"),
        await(Service.class, name + "-sentinel"),
        await(NetworkPolicy.class, name + "-sentinel"),
        await(PodDisruptionBudget.class, name + "-sentinel"),
        await(PodDisruptionBudget.class, name + "-redis"),
        await(Secret.class, name + "-sentinel-password"));
    assertThat(children).allSatisfy(child -> assertThat(child.getMetadata().getOwnerReferences())
        .singleElement().satisfies(owner -> assertThat(owner.getUid())
            .isEqualTo(applied.getMetadata().getUid())));
    assertThat(redis.getSpec().getReplicas()).isEqualTo(3);
    assertThat(redis.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(sentinels.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sentinels.getSpec().getTemplate().getSpec().getInitContainers()).singleElement()
        .satisfies(init -> assertThat(init.getCommand()).first().isEqualTo("cp"));
    assertThat(decoded(await(Secret.class, name + "-redis-users"), "replication.conf"))
        .startsWith("masterauth ");
    assertThat(await(NetworkPolicy.class, name + "-redis").getSpec().getIngress().get(0).getFrom())
        .extracting(peer -> peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/component"))
        .containsExactly("auth-service", "redis", "redis-sentinel");

    Map<String, String> env = new java.util.TreeMap<>();
    await(Deployment.class, name).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));
    assertThat(env)
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_MASTER", "gatehouse")
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_NODES", name + "-sentinel." + namespace + ".svc:26379")
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_PASSWORDFILE",
            "/var/run/secrets/gatehouse/redis-sentinel/password")
        .containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "1")
        .doesNotContainKeys("GATEHOUSE_REDIS_HOST", "GATEHOUSE_REDIS_PORT");
    awaitStatus(name, s -> s.getStatus().getObservedGeneration() == 1L);
    // No pod runs here: the operator waits for them and writes nothing more meanwhile.
    awaitQuiet();
  }

  @Test
  void aReferencedSecretIsLabelledWatchedAndRollsThePodsWhenItChangesAndNoOtherSecretIsCached() {
    // Restarted here, so that its first lists and watches are in the audit log after the mark.
    operator.close();
    AuditLog.Mark start = apiServer.auditLog().mark();
    operator = InProcessOperator.watching(apiServer, namespace);
    createSecret("auth-clients", Map.of("clients.yaml", "clients: []\n"));
    createSecret("someone-elses", Map.of("clients.yaml", "not ours"));

    AuthService withClients = example("minimal.yaml");
    withClients.getSpec().setClientsSecretRef(
        new dev.gatehouse.operator.api.v1alpha1.SecretReference("auth-clients"));
    apply(withClients);

    Deployment first = await(Deployment.class, "auth");
    assertThat(client.secrets().inNamespace(namespace).withName("auth-clients").get()
        .getMetadata().getLabels()).containsEntry(ReferencedSecrets.LABEL, "true");
    assertThat(client.secrets().inNamespace(namespace).withName("someone-elses").get()
        .getMetadata().getLabels()).doesNotContainKey(ReferencedSecrets.LABEL);

    client.secrets().inNamespace(namespace).withName("auth-clients").edit(secret -> new SecretBuilder(secret)
        .withData(null).withStringData(Map.of("clients.yaml", "clients: []\n# edited\n")).build());
    awaitTrue(() -> !templateHash(deployment("auth")).equals(templateHash(first)));

    List<AuditLog.Entry> secretReads = apiServer.auditLog().requestsSince(start,
        byUserAgent(GatehouseOperator.USER_AGENT).and(AuditLog.onResource("secrets"))
            .and(e -> "list".equals(e.verb()) || "watch".equals(e.verb())));
    assertThat(secretReads).as("the operator's lists and watches of Secrets").isNotEmpty()
        .allSatisfy(read -> assertThat(read.requestUri()).contains("labelSelector="));
  }

  @Test
  void switchingToAnExternalRedisDeletesTheManagedOne() {
    apply("minimal.yaml");
    await(StatefulSet.class, "auth-redis");
    await(Secret.class, "auth-redis-password");
    await(Secret.class, "auth-redis-users");
    createSecret("redis-credentials", Map.of("password", "an-external-password"));

    // kubectl apply of the edited manifest: the field manager that set redis.managed drops it.
    AuthService external = example("minimal.yaml");
    external.getSpec().getRedis().setMode(RedisMode.External);
    external.getSpec().getRedis().setManaged(null);
    external.getSpec().getRedis().setExternal(new ExternalRedisSpec());
    external.getSpec().getRedis().getExternal().setHost("redis.data.svc");
    external.getSpec().getRedis().getExternal().setPasswordSecretRef(
        new SecretKeyReference("redis-credentials", "password"));
    apply(external);

    awaitTrue(() -> client.apps().statefulSets().inNamespace(namespace).withName("auth-redis").get() == null
        && client.secrets().inNamespace(namespace).withName("auth-redis-users").get() == null
        && client.services().inNamespace(namespace).withName("auth-redis").get() == null
        && client.configMaps().inNamespace(namespace).withName("auth-redis-config").get() == null
        && client.network().v1().networkPolicies().inNamespace(namespace).withName("auth-redis").get() == null
        && client.secrets().inNamespace(namespace).withName("auth-redis-password").get() == null);
    assertThat(deployment("auth").getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> "redis-password".equals(v.getName())).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("redis-credentials"));
  }

  @Test
  void changingTheAlgorithmDeletesTheOldKeySecretButNeverOneTheUserOwns() {
    apply("minimal.yaml");
    await(Secret.class, "auth-jwt-es256");
    // A Secret of the user's that happens to carry a name the operator would use: not its to delete.
    createSecret("auth-jwt-hs256", Map.of("note", "the user's"));

    AuthService rs256 = example("minimal.yaml");
    rs256.getSpec().getJwt().setAlgorithm(JwtAlgorithm.RS256);
    apply(rs256);

    await(Secret.class, "auth-jwt-rs256");
    awaitTrue(() -> deployment("auth").getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getSecret() != null && "auth-jwt-rs256".equals(v.getSecret().getSecretName())));
    awaitTrue(() -> client.secrets().inNamespace(namespace).withName("auth-jwt-es256").get() == null);
    awaitQuiet();
    assertThat(client.secrets().inNamespace(namespace).withName("auth-jwt-hs256").get()).isNotNull();
    assertThat(client.secrets().inNamespace(namespace).withName("auth-jwt-rs256").get()).isNotNull();
  }

  @Test
  void readyFollowsTheDeploymentAndScaleSubresourceDrivesReplicas() {
    apply("minimal.yaml");
    await(Deployment.class, "auth");

    ControllerStatus.reportDeployment(client, namespace, "auth", 2, 2);
    ControllerStatus.reportStatefulSet(client, namespace, "auth-redis");
    // Two status updates, two reconciles: wait for the one that has seen both.
    AuthService ready = awaitStatus("auth", s -> "True".equals(condition(s, READY).getStatus())
        && "True".equals(condition(s, REDIS_AVAILABLE).getStatus()));
    assertThat(ready.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(condition(ready, READY).getReason()).isEqualTo(ALL_REPLICAS_READY);
    assertThat(condition(ready, REDIS_AVAILABLE).getStatus()).isEqualTo("True");

    // kubectl scale authservice/auth --replicas=3
    client.resources(AuthService.class).inNamespace(namespace).withName("auth").scale(3);

    awaitTrue(() -> deployment("auth").getSpec().getReplicas() == 3);
    AuthService scaling = awaitStatus("auth", s -> s.getStatus().getObservedGeneration() == 2L);
    assertThat(condition(scaling, READY).getStatus()).isEqualTo("False");
    assertThat(scaling.getStatus().getRedisPool().getPlannedConnections()).isEqualTo(48L);
  }

  // --- helpers -----------------------------------------------------------------------------

  private AuthService apply(String example) {
    return apply(example(example));
  }

  private AuthService get(String name) {
    return client.resources(AuthService.class).inNamespace(namespace).withName(name).get();
  }

  /** Waits until the operator has stopped writing: two seconds without a write of its own. */
  private void awaitQuiet() {
    AuditLog.Mark mark = apiServer.auditLog().mark();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      sleep(Duration.ofSeconds(2));
      if (apiServer.auditLog().writesSince(mark,
          byUserAgent(GatehouseOperator.USER_AGENT).and(inNamespace(namespace))).isEmpty()) {
        return;
      }
      mark = apiServer.auditLog().mark();
    }
    throw new AssertionError("the operator kept writing for " + timeout);
  }

  private Secret users() {
    return client.secrets().inNamespace(namespace).withName("auth-redis-users").get();
  }

  /** The passwords the managed Redis accepts, as the operator recorded them. */
  private static List<String> passwords(Secret users) {
    return users == null ? List.of() : decoded(users, "passwords").lines().toList();
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private String redisTemplateHash() {
    // Awaited: the auth Deployment can be there before the Redis StatefulSet is.
    return await(StatefulSet.class, "auth-redis")
        .getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
  }
}
