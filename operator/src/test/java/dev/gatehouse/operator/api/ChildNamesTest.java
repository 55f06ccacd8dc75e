package dev.gatehouse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.secrets.PodSecrets;
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
    String name = primary.getMetadata().getName();
    assertThat(name).hasSize(AuthService.MAX_NAME_LENGTH);

    assertThat(AuthServiceResources.redisStatefulSetName(name))
        .hasSizeLessThanOrEqualTo(STATEFULSET_NAME_MAX);
    // Service names, the pod's host name and label values: DNS labels of at most 63.
    for (String label : new String[] {AuthServiceResources.authServiceName(name),
        AuthServiceResources.redisServiceName(name), AuthServiceResources.redisPodName(name),
        name}) {
      assertThat(label).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
    }
    Map<String, String> objects = Map.of(
        "Deployment", AuthServiceResources.authDeploymentName(name),
        "PodDisruptionBudget", AuthServiceResources.authPodDisruptionBudgetName(name),
        "NetworkPolicy", AuthServiceResources.redisNetworkPolicyName(name),
        "ConfigMap", AuthServiceResources.redisConfigMapName(name),
        "PersistentVolumeClaim", AuthServiceResources.redisDataClaimName(name),
        "password Secret", AuthServiceResources.redisPasswordSecretName(name),
        "users Secret", AuthServiceResources.redisUsersSecretName(name),
        "admin token Secret", AuthServiceResources.adminTokenSecretName(name),
        "signing key Secret",
        AuthServiceResources.signingKeySecretName(name, PodSecrets.signingAlgorithm(primary)));
    objects.forEach((kind, child) ->
        assertThat(child).as(kind).hasSizeLessThanOrEqualTo(253).matches(DNS_SUBDOMAIN));
  }
}
