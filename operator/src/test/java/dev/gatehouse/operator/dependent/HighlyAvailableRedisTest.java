package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.secrets.PodSecrets;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The children of a highly available managed Redis (examples/managed-ha.yaml), as desired. */
class HighlyAvailableRedisTest {

  private static final String PASSWORD = "managed-redis-password-value";
  private static final String SENTINEL_PASSWORD = "managed-sentinel-password-value";
  private static final String COMPONENT = "app.kubernetes.io/component";

  private final AuthService primary = AuthServices.example("managed-ha.yaml");
  private final String name = primary.getMetadata().getName();

  @Test
  void redisRunsTheReplicasSpreadOverNodesWithoutHoldingBackEachOthersStart() {
    StatefulSet redis = new ManagedRedisStatefulSet().desired(primary, new CachedSecrets().context());
    PodSpec pod = redis.getSpec().getTemplate().getSpec();

    assertThat(redis.getSpec().getReplicas()).isEqualTo(3);
    assertThat(redis.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(redis.getSpec().getVolumeClaimTemplates()).hasSize(1);
    assertThat(pod.getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()).singleElement().satisfies(term -> {
          assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
          assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
              .containsEntry(COMPONENT, "redis").containsEntry("app.kubernetes.io/instance", name);
        });
    assertThat(pod.getVolumes()).filteredOn(v -> v.getSecret() != null).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getItems())
            .extracting(item -> item.getPath()).containsExactly("users.conf", "replication.conf"));
    assertThat(Serialization.asYaml(redis)).doesNotContain(PASSWORD);
  }

  @Test
  void aSingleRedisStaysAsItWas() {
    AuthService single = AuthServices.example("minimal.yaml");
    StatefulSet redis = new ManagedRedisStatefulSet().desired(single, new CachedSecrets().context());

    assertThat(redis.getSpec().getReplicas()).isEqualTo(1);
    assertThat(redis.getSpec().getPodManagementPolicy()).isNull();
    assertThat(redis.getSpec().getTemplate().getSpec().getAffinity()).isNull();
    assertThat(ManagedRedisConfigMap.redisConf(single)).doesNotContain("min-replicas", "replication.conf");
    assertThat(decoded(RedisUsersSecret.build(single, List.of(PASSWORD))))
        .doesNotContainKey(RedisUsersSecret.REPLICATION_KEY);
  }

  @Test
  void anIsolatedPrimaryRefusesWritesAndReplicasLogInWithThePasswordFromTheSecretFile() {
    assertThat(ManagedRedisConfigMap.redisConf(primary))
        .contains("min-replicas-to-write 1", "min-replicas-max-lag 10", "replica-serve-stale-data no",
            "include /etc/gatehouse/redis-auth/replication.conf",
            "include /etc/gatehouse/redis-auth/users.conf")
        .doesNotContain("masterauth", PASSWORD);
    // The newest password: during a rotation every Redis accepts it before it is written here.
    Map<String, String> users = decoded(RedisUsersSecret.build(primary, List.of("old", PASSWORD)));
    assertThat(users.get(RedisUsersSecret.REPLICATION_KEY)).isEqualTo("masterauth " + PASSWORD + "\n");
    assertThat(users.get(RedisUsersSecret.USERS_KEY)).doesNotContain(PASSWORD);
  }

  @Test
  void sentinelsCopyTheirConfigurationToAWritableVolumeAndRunRestricted() {
    StatefulSet sentinels = new SentinelStatefulSet().desired(primary, sentinelSecret(SENTINEL_PASSWORD).context());
    PodSpec pod = sentinels.getSpec().getTemplate().getSpec();
    Container init = pod.getInitContainers().get(0);
    Container sentinel = pod.getContainers().get(0);

    assertThat(sentinels.getMetadata().getName()).isEqualTo(name + "-sentinel");
    assertThat(sentinels.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sentinels.getSpec().getServiceName()).isEqualTo(name + "-sentinel");
    assertThat(sentinels.getSpec().getSelector().getMatchLabels()).containsEntry(COMPONENT, "redis-sentinel");
    assertThat(init.getCommand()).containsExactly("cp", "/etc/gatehouse/sentinel/sentinel.conf",
        "/sentinel/sentinel.conf");
    assertThat(sentinel.getCommand()).containsExactly("redis-server");
    assertThat(sentinel.getArgs()).containsExactly("/sentinel/sentinel.conf", "--sentinel");
    assertThat(sentinel.getImage()).isEqualTo(primary.getSpec().getRedis().getManaged().getImage());
    assertThat(sentinel.getVolumeMounts()).extracting(m -> m.getMountPath())
        .containsExactly("/sentinel", "/var/run/secrets/gatehouse/redis-sentinel");
    assertThat(sentinel.getVolumeMounts().get(1).getReadOnly()).isTrue();
    assertThat(init.getVolumeMounts()).as("the init container copies; it reads no password")
        .extracting(m -> m.getName()).containsExactly("config", "state");
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("config", "state", "auth");
    assertThat(pod.getVolumes().get(1).getEmptyDir()).isNotNull();
    assertThat(pod.getVolumes().get(2).getSecret()).satisfies(secret -> {
      assertThat(secret.getSecretName()).isEqualTo(name + "-sentinel-password");
      assertThat(secret.getItems()).singleElement()
          .satisfies(item -> assertThat(item.getPath()).isEqualTo("auth.conf"));
      assertThat(secret.getDefaultMode()).isEqualTo(0440);
    });
    assertThat(sentinel.getEnv()).isEmpty();
    assertThat(init.getEnv()).isEmpty();
    for (Container container : List.of(init, sentinel)) {
      assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
      assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getResources().getLimits()).containsKey("memory");
    }
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution().get(0).getPodAffinityTerm()
        .getLabelSelector().getMatchLabels()).containsEntry(COMPONENT, "redis-sentinel");
    assertThat(Serialization.asYaml(sentinels)).doesNotContain(PASSWORD, SENTINEL_PASSWORD);
  }

  @Test
  void theSentinelsStartingConfigurationNamesNoPrimaryAndIncludesTheirPasswordFromTheSecretFile() {
    assertThat(SentinelConfigMap.sentinelConf().lines().toList()).containsExactly("port 26379",
        "dir /sentinel", "include /var/run/secrets/gatehouse/redis-sentinel/auth.conf");
    ConfigMap config = new SentinelConfigMap().desired(primary, sentinelSecret(SENTINEL_PASSWORD).context());
    assertThat(config.getData()).containsOnlyKeys("sentinel.conf");
    assertThat(Serialization.asYaml(config)).doesNotContain(SENTINEL_PASSWORD, "requirepass");
  }

  @Test
  void theSentinelPasswordIsGeneratedOnceForTheSentinelsTheirPeersAndTheirClients() {
    Map<String, String> generated = new SentinelPasswordSecret().generate(primary);
    String password = generated.get("password");
    assertThat(password).matches("[A-Za-z0-9_-]{43}");
    assertThat(generated).containsOnlyKeys("password", "auth.conf");
    assertThat(generated.get("auth.conf").lines().toList()).containsExactly(
        "requirepass " + password, "sentinel sentinel-pass " + password);
    assertThat(new SentinelPasswordSecret().generate(primary).get("password")).isNotEqualTo(password);
    assertThat(PodSecrets.of(primary).referencedByUser()).as("the operator's, not the user's")
        .doesNotContain(name + "-sentinel-password");
    assertThat(PodSecrets.of(AuthServices.example("minimal.yaml")).sentinelPasswordGenerated())
        .as("no Sentinels, no password").isFalse();
  }

  @Test
  void aNewSentinelPasswordRollsTheSentinelsAndTheAuthPodsWhichReadItAsAFile() {
    Function<String, String> sentinelHash = password -> new SentinelStatefulSet()
        .desired(primary, sentinelSecret(password).context())
        .getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
    assertThat(sentinelHash.apply("first")).isEqualTo(sentinelHash.apply("first"))
        .isNotEqualTo(sentinelHash.apply("second"));

    Deployment auth = new AuthDeployment().desired(primary, sentinelSecret(SENTINEL_PASSWORD)
        .with(AuthServiceResources.redisPasswordSecretName(name), Map.of("password", PASSWORD))
        .context());
    Container container = auth.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getEnv()).filteredOn(e -> e.getName().equals("GATEHOUSE_REDIS_SENTINEL_PASSWORDFILE"))
        .singleElement().satisfies(e -> assertThat(e.getValue())
            .isEqualTo("/var/run/secrets/gatehouse/redis-sentinel/password"));
    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/gatehouse/redis-sentinel");
      assertThat(m.getReadOnly()).isTrue();
    });
    assertThat(auth.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("sentinel-password")).singleElement()
        .satisfies(v -> {
          assertThat(v.getSecret().getSecretName()).isEqualTo(name + "-sentinel-password");
          assertThat(v.getSecret().getItems()).singleElement().satisfies(item -> {
            assertThat(item.getKey()).isEqualTo("password");
            assertThat(item.getPath()).isEqualTo("password");
          });
        });
    assertThat(Serialization.asYaml(auth)).doesNotContain(SENTINEL_PASSWORD, PASSWORD);
    Function<String, String> authHash = password -> new AuthDeployment().desired(primary,
            sentinelSecret(password)
                .with(AuthServiceResources.redisPasswordSecretName(name), Map.of("password", PASSWORD))
                .context())
        .getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
    assertThat(authHash.apply("first")).isNotEqualTo(authHash.apply("second"));
  }

  private CachedSecrets sentinelSecret(String password) {
    return new CachedSecrets().with(AuthServiceResources.sentinelPasswordSecretName(name),
        Map.of("password", password, "auth.conf", SentinelPasswordSecret.authConf(password)));
  }

  @Test
  void theAuthPodsAskTheSentinelServiceWhichSelectsOnlySentinels() {
    Service service = new SentinelService().desired(primary, new CachedSecrets().context());
    assertThat(service.getMetadata().getName()).isEqualTo(name + "-sentinel");
    assertThat(service.getSpec().getSelector()).containsEntry(COMPONENT, "redis-sentinel");
    assertThat(service.getSpec().getPorts()).singleElement()
        .satisfies(port -> assertThat(port.getPort()).isEqualTo(26379));
  }

  @Test
  void redisAdmitsItsReplicasAndSentinelsAndTheSentinelsAdmitOnlyAuthPodsAndEachOther() {
    NetworkPolicy redis = new RedisNetworkPolicy(Optional.empty()).desired(primary, new CachedSecrets().context());
    NetworkPolicy sentinels =
        new SentinelNetworkPolicy(Optional.empty()).desired(primary, new CachedSecrets().context());

    assertThat(redis.getSpec().getIngress().get(0).getFrom())
        .extracting(peer -> peer.getPodSelector().getMatchLabels().get(COMPONENT))
        .containsExactly("auth-service", "redis", "redis-sentinel");
    assertThat(sentinels.getSpec().getPodSelector().getMatchLabels()).containsEntry(COMPONENT, "redis-sentinel");
    assertThat(sentinels.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getFrom()).extracting(peer -> peer.getPodSelector().getMatchLabels().get(COMPONENT))
          .containsExactly("auth-service", "redis-sentinel");
      assertThat(rule.getFrom()).allSatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
          .containsEntry("app.kubernetes.io/instance", name));
      assertThat(rule.getPorts()).singleElement()
          .satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(26379));
    });
  }

  @Test
  void drainsTakeOneRedisPodAndOneSentinelAtATime() {
    PodDisruptionBudget redis = new RedisPodDisruptionBudget().desired(primary, new CachedSecrets().context());
    PodDisruptionBudget sentinels =
        new SentinelPodDisruptionBudget().desired(primary, new CachedSecrets().context());

    assertThat(redis.getMetadata().getName()).isEqualTo(name + "-redis");
    assertThat(redis.getSpec().getSelector().getMatchLabels()).containsEntry(COMPONENT, "redis");
    assertThat(sentinels.getSpec().getSelector().getMatchLabels()).containsEntry(COMPONENT, "redis-sentinel");
    assertThat(List.of(redis, sentinels))
        .allSatisfy(pdb -> assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1));
  }

  @Test
  void theQuorumIsAMajorityOfTheSentinelsUnlessGiven() {
    HighAvailabilitySpec ha = new HighAvailabilitySpec();
    assertThat(ha.quorumOrMajority()).isEqualTo(2);
    ha.setSentinels(5);
    assertThat(ha.quorumOrMajority()).isEqualTo(3);
    ha.setSentinels(7);
    assertThat(ha.quorumOrMajority()).isEqualTo(4);
    ha.setQuorum(2);
    assertThat(ha.quorumOrMajority()).isEqualTo(2);
  }

  @Test
  void everyNewChildOfTheLongestHighlyAvailableNameIsAValidStatefulSetAndServiceName() {
    String longest = "a".repeat(dev.gatehouse.operator.api.v1alpha1.AuthService.MAX_HIGHLY_AVAILABLE_NAME_LENGTH);
    assertThat(AuthServiceResources.sentinelStatefulSetName(longest)).hasSizeLessThanOrEqualTo(52);
    assertThat(AuthServiceResources.sentinelServiceName(longest)).hasSizeLessThanOrEqualTo(63);
    assertThat(AuthServiceResources.sentinelConfigMapName(longest)).hasSizeLessThanOrEqualTo(253);
    assertThat(AuthServiceResources.sentinelPasswordSecretName(longest)).hasSizeLessThanOrEqualTo(253);
  }

  private static Map<String, String> decoded(Secret secret) {
    Map<String, String> text = new java.util.TreeMap<>();
    secret.getData().forEach((key, value) ->
        text.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    return text;
  }
}
