package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.secrets.SecretData;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisPasswordRotationTest {

  private final AuthService primary = AuthServices.example("minimal.yaml");
  private final String oldId = RedisUsersSecret.passwordId("old");
  private final String newId = RedisUsersSecret.passwordId("new");

  @Test
  void aNewPasswordJoinsTheOldOnesUntilEveryPodHoldsItThenItIsTheOnlyOne() {
    assertThat(RedisPasswordRotation.accepted(List.of("old"), "new", false))
        .containsExactly("old", "new");
    assertThat(RedisPasswordRotation.accepted(List.of("old", "new"), "new", false))
        .containsExactly("old", "new");
    assertThat(RedisPasswordRotation.accepted(List.of("old", "new"), "new", true))
        .containsExactly("new");
    assertThat(RedisPasswordRotation.accepted(List.of(), "new", false)).containsExactly("new");
    // A rotation during a rotation keeps every password a pod may still hold.
    assertThat(RedisPasswordRotation.accepted(List.of("old", "new"), "newer", false))
        .containsExactly("old", "new", "newer");
  }

  @Test
  void theOldPasswordStaysWhileAnyAuthPodTerminatingOrNotHoldsIt() {
    CachedSecrets cache = new CachedSecrets().with(deployment(newId))
        .with(authPod("auth-a", newId, false))
        .with(authPod("auth-b", oldId, true));
    assertThat(RedisPasswordRotation.everyAuthPodHolds(primary, cache.context(), newId)).isFalse();

    CachedSecrets done = new CachedSecrets().with(deployment(newId))
        .with(authPod("auth-a", newId, false)).with(authPod("auth-c", newId, false));
    assertThat(RedisPasswordRotation.everyAuthPodHolds(primary, done.context(), newId)).isTrue();
  }

  @Test
  void theOldPasswordStaysUntilTheTemplateHoldsTheNewOneEvenWithNoPodLeft() {
    CachedSecrets cache = new CachedSecrets().with(deployment(oldId));
    assertThat(RedisPasswordRotation.everyAuthPodHolds(primary, cache.context(), newId)).isFalse();
    assertThat(RedisPasswordRotation.everyAuthPodHolds(primary, new CachedSecrets().context(), newId))
        .isFalse();
  }

  @Test
  void podsOfAnotherAuthServiceDoNotCount() {
    Pod other = authPod("other-a", oldId, false);
    other.getMetadata().getLabels().put(AuthServiceResources.INSTANCE_LABEL, "other");
    CachedSecrets cache = new CachedSecrets().with(deployment(newId)).with(other);
    assertThat(RedisPasswordRotation.everyAuthPodHolds(primary, cache.context(), newId)).isTrue();
  }

  @Test
  void theRecordHoldsHashesForRedisAndThePasswordsForTheOperatorOnly() {
    var secret = RedisUsersSecret.build(primary, List.of("old", "new"));

    assertThat(secret.getMetadata().getName()).isEqualTo("auth-redis-users");
    assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(primary.getMetadata().getUid()));
    assertThat(RedisUsersSecret.passwords(secret)).containsExactly("old", "new");
    String users = new String(SecretData.value(secret, RedisUsersSecret.USERS_KEY));
    assertThat(users).startsWith("user default on resetpass #").doesNotContain("old", "new")
        .endsWith(" ~* &* +@all\n");
    assertThat(RedisUsersSecret.passwordId("new")).hasSize(16).isNotEqualTo(oldId)
        .doesNotContain("new");
  }

  private Deployment deployment(String id) {
    return new DeploymentBuilder().withNewMetadata().withName("auth").withNamespace("shop").endMetadata()
        .withNewSpec().withNewTemplate().withNewMetadata()
        .withAnnotations(Map.of(RedisUsersSecret.PASSWORD_ID_ANNOTATION, id))
        .endMetadata().endTemplate().endSpec().build();
  }

  private Pod authPod(String name, String id, boolean terminating) {
    return new PodBuilder().withNewMetadata().withName(name).withNamespace("shop")
        .withLabels(new java.util.HashMap<>(
            AuthServiceResources.labels(primary.getMetadata().getName(), Component.AUTH)))
        .withAnnotations(Map.of(RedisUsersSecret.PASSWORD_ID_ANNOTATION, id))
        .withDeletionTimestamp(terminating ? "2026-12-01T00:00:00Z" : null)
        .endMetadata().build();
  }

  @Test
  void theMemoryOfWhatRedisWasToldForgetsTheLeastRecentlyUsedBeyondItsBound() {
    Map<String, String> applied = RedisPasswordRotation.leastRecentlyUsed(2);
    applied.put("a", "1");
    applied.put("b", "1");
    applied.get("a");
    applied.put("c", "1");

    assertThat(applied).containsOnlyKeys("a", "c");
  }
}
