package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRD bounds the AuthService name ({@link AuthService#MAX_NAME_LENGTH}, a DNS label) so that
 * every child the operator derives from it is a name the API server takes: checked here with the
 * longest name the CRD allows, against the limits of each kind.
 */
class ChildNamesTest {

  /** A StatefulSet's pods carry controller-revision-hash=<name>-<hash of up to 10>: 63 in all. */
  private static final int STATEFULSET_NAME_MAX = 52;
  private static final String DNS_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS_SUBDOMAIN =
      "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

  @Test
  void everyChildOfTheLongestAllowedNameIsAValidName() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getMetadata().setName("a" + "-b".repeat((AuthService.MAX_NAME_LENGTH - 1) / 2)
        + "c".repeat((AuthService.MAX_NAME_LENGTH - 1) % 2));
    assertThat(primary.getMetadata().getName()).hasSize(AuthService.MAX_NAME_LENGTH);

    assertThat(ManagedRedisStatefulSet.name(primary)).hasSizeLessThanOrEqualTo(STATEFULSET_NAME_MAX);
    // Service names, the pod's host name and label values: DNS labels of at most 63.
    for (String label : new String[] {AuthServiceService.name(primary),
        ManagedRedisService.name(primary), ManagedRedisStatefulSet.podName(primary),
        primary.getMetadata().getName()}) {
      assertThat(label).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
    }
    Map<String, String> objects = Map.of(
        "Deployment", AuthDeployment.name(primary),
        "PodDisruptionBudget", AuthPodDisruptionBudget.name(primary),
        "NetworkPolicy", RedisNetworkPolicy.name(primary),
        "ConfigMap", ManagedRedisConfigMap.name(primary),
        "PersistentVolumeClaim", ManagedRedisStatefulSet.claimName(primary),
        "password Secret", RedisPasswordSecret.name(primary),
        "users Secret", RedisUsersSecret.name(primary),
        "admin token Secret", AdminTokenSecret.name(primary),
        "signing key Secret", SigningKeySecret.name(primary));
    objects.forEach((kind, name) ->
        assertThat(name).as(kind).hasSizeLessThanOrEqualTo(253).matches(DNS_SUBDOMAIN));
  }
}
