package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The children of a highly available managed Redis (examples/managed-ha.yaml), as desired. */
class HighlyAvailableRedisTest {

  private static final String PASSWORD = "managed-redis-password-value";
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
    StatefulSet sentinels = new SentinelStatefulSet().desired(primary, new CachedSecrets().context());
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
    assertThat(sentinel.getVolumeMounts()).singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/sentinel"));
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("config", "state");
    assertThat(pod.getVolumes().get(1).getEmptyDir()).isNotNull();
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
    assertThat(Serialization.asYaml(sentinels)).doesNotContain(PASSWORD);
  }

  @Test
  void theSentinelsStartingConfigurationNamesNoPrimaryAndNoPassword() {
    assertThat(SentinelConfigMap.sentinelConf().lines().toList())
        .containsExactly("port 26379", "dir /sentinel", "protected-mode no");
    assertThat(new SentinelConfigMap().desired(primary, new CachedSecrets().context()).getData())
        .containsOnlyKeys("sentinel.conf");
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
  }

  private static Map<String, String> decoded(Secret secret) {
    Map<String, String> text = new java.util.TreeMap<>();
    secret.getData().forEach((key, value) ->
        text.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    return text;
  }
}
