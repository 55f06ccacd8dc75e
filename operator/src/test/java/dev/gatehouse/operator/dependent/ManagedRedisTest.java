package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.OperatorPods;
import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.RedisStorageSpec;
import dev.gatehouse.operator.secrets.ConfigHash;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManagedRedisTest {

  private static final String PASSWORD = "managed-redis-password-value";

  @Test
  void redisReadsItsPasswordsFromAnIncludedFileNeverFromArgumentsOrEnvironment() {
    AuthService primary = AuthServices.example("minimal.yaml");
    StatefulSet redis = statefulSet(primary, PASSWORD);
    Container container = redis.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(Serialization.asYaml(redis)).doesNotContain(PASSWORD);
    assertThat(container.getArgs()).containsExactly("/etc/gatehouse/redis/redis.conf");
    assertThat(container.getEnv()).isEmpty();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(ManagedRedisConfigMap.redisConf(primary))
        .contains("include /etc/gatehouse/redis-auth/users.conf", "maxclients 10000")
        .doesNotContain("requirepass");
    assertThat(redis.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("auth-redis-users"));
  }

  @Test
  void byDefaultRedisKeepsAnAppendOnlyFileOnAClaimOfOneGibibyte() {
    AuthService primary = AuthServices.example("minimal.yaml");
    StatefulSet redis = statefulSet(primary, PASSWORD);

    assertThat(redis.getMetadata().getName()).isEqualTo("auth-redis");
    assertThat(redis.getSpec().getReplicas()).isEqualTo(1);
    assertThat(redis.getSpec().getServiceName()).isEqualTo("auth-redis");
    assertThat(redis.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
      assertThat(claim.getMetadata().getName()).isEqualTo("data");
      assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
      assertThat(claim.getSpec().getResources().getRequests())
          .containsEntry("storage", new Quantity("1Gi"));
      assertThat(claim.getSpec().getStorageClassName()).isNull();
    });
    assertThat(redis.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
        .isEqualTo("Retain");
    assertThat(redis.getSpec().getTemplate().getSpec().getVolumes()).extracting(Volume::getName)
        .containsExactlyInAnyOrder("config", "auth");
    assertThat(redis.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> {
          assertThat(m.getName()).isEqualTo("data");
          assertThat(m.getMountPath()).isEqualTo("/data");
        });
    assertThat(ManagedRedisConfigMap.redisConf(primary)).contains("dir /data", "appendonly yes",
        "appendfsync everysec", "aof-use-rdb-preamble yes", "save 3600 1 300 100 60 10000");
    assertThat(AuthServiceResources.redisDataClaimName(primary.getMetadata().getName()))
        .isEqualTo("data-auth-redis-0");
  }

  @Test
  void redisGetsTheDefaultResourcesUnlessTheSpecNamesItsOwn() {
    AuthService primary = AuthServices.example("minimal.yaml");
    Container defaulted = statefulSet(primary, PASSWORD).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(defaulted.getResources().getRequests())
        .isEqualTo(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")));
    assertThat(defaulted.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("512Mi")));

    primary.getSpec().getRedis().getManaged().setResources(new ResourceRequirementsBuilder()
        .addToRequests("memory", new Quantity("2Gi")).build());
    Container chosen = statefulSet(primary, PASSWORD).getSpec().getTemplate().getSpec()
        .getContainers().get(0);
    assertThat(chosen.getResources().getRequests()).isEqualTo(Map.of("memory", new Quantity("2Gi")));
    assertThat(chosen.getResources().getLimits()).isEmpty();
  }

  @Test
  void storageSizeAndClassComeFromTheSpec() {
    AuthService primary = AuthServices.example("redis-storage.yaml");
    PersistentVolumeClaim claim = statefulSet(primary, PASSWORD).getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("10Gi"));

    RedisStorageSpec storage = new RedisStorageSpec();
    storage.setStorageClassName("fast-ssd");
    primary.getSpec().getRedis().getManaged().setStorage(storage);
    claim = statefulSet(primary, PASSWORD).getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
    assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
  }

  @Test
  void anEphemeralRedisHasNoClaimAndNoPersistence() {
    AuthService primary = AuthServices.example("ephemeral-redis.yaml");
    StatefulSet redis = statefulSet(primary, PASSWORD);

    assertThat(redis.getSpec().getVolumeClaimTemplates()).isEmpty();
    assertThat(redis.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("data")).singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(ManagedRedisConfigMap.redisConf(primary)).contains("appendonly no", "save \"\"")
        .doesNotContain("appendonly yes");
  }

  @Test
  void redisDoesNotRollWhenItsPasswordIsRotatedButDoesWhenItsConfigChanges() {
    AuthService primary = AuthServices.example("minimal.yaml");
    String before = hash(primary, "one");

    assertThat(hash(primary, "two")).isEqualTo(before);
    primary.getSpec().getRedis().getManaged().setMaxClients(500);
    assertThat(hash(primary, "one")).isNotEqualTo(before);
  }

  @Test
  void networkPolicyAdmitsOnlyThisAuthServicesPods() {
    AuthService primary = AuthServices.example("minimal.yaml");
    NetworkPolicy policy = new RedisNetworkPolicy(Optional.empty())
        .desired(primary, new CachedSecrets().context());

    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "redis")
        .containsEntry("app.kubernetes.io/instance", "auth");
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getFrom()).singleElement().satisfies(peer ->
          assertThat(peer.getPodSelector().getMatchLabels())
              .containsEntry("app.kubernetes.io/component", "auth-service")
              .containsEntry("app.kubernetes.io/instance", "auth"));
      assertThat(rule.getPorts()).singleElement()
          .satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(6379));
    });
  }

  @Test
  void networkPolicyAlsoAdmitsTheOperatorsPodsInItsNamespaceWhenInACluster() {
    AuthService primary = AuthServices.example("minimal.yaml");
    Optional<OperatorPods> operator = OperatorPods.fromEnvironment(Map.of("POD_NAMESPACE",
        "gatehouse-system", OperatorPods.SELECTOR_ENV,
        "app.kubernetes.io/name=gatehouse-operator,app.kubernetes.io/instance=gh"));
    NetworkPolicy policy = new RedisNetworkPolicy(operator).desired(primary, new CachedSecrets().context());

    assertThat(policy.getSpec().getIngress().get(0).getFrom()).hasSize(2).last().satisfies(peer -> {
      assertThat(peer.getNamespaceSelector().getMatchLabels())
          .containsExactly(Map.entry("kubernetes.io/metadata.name", "gatehouse-system"));
      assertThat(peer.getPodSelector().getMatchLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
          "app.kubernetes.io/name", "gatehouse-operator", "app.kubernetes.io/instance", "gh"));
    });
  }

  private static StatefulSet statefulSet(AuthService primary, String password) {
    CachedSecrets secrets = new CachedSecrets().with(
        AuthServiceResources.redisPasswordSecretName(primary.getMetadata().getName()),
        Map.of("password", password));
    return new ManagedRedisStatefulSet().desired(primary, secrets.context());
  }

  private static String hash(AuthService primary, String password) {
    return statefulSet(primary, password)
        .getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
  }
}
