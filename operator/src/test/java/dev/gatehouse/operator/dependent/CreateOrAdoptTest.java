package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconcile after a create whose answer was lost, when its cache does not hold the Secret yet:
 * it generated a new value, and the server (which stored the first) refuses the create.
 */
@EnableKubernetesMockClient(crud = true)
class CreateOrAdoptTest {

  KubernetesClient client;

  private final AuthService primary = AuthServices.example("minimal.yaml");
  @SuppressWarnings("unchecked")
  private final Context<AuthService> context = mock(Context.class);

  @BeforeEach
  void storeTheFirstTry() {
    when(context.getClient()).thenReturn(client);
    client.resource(secret("first", primary)).create();
  }

  @Test
  void theStoredSecretOfThisAuthServiceIsAdoptedAndTheNewValueNeverStored() {
    Secret second = secret("second", primary);

    Secret adopted = CreateOrAdopt.create(() -> client.resource(second).create(), second, primary,
        context);

    assertThat(adopted.getStringData()).containsEntry("password", "first");
    assertThat(client.secrets().inNamespace("shop").withName("auth-redis-password").get()
        .getStringData()).containsEntry("password", "first");
  }

  @Test
  void aSecretOfTheSameNameThatThisAuthServiceDoesNotOwnIsNotAdopted() {
    AuthService other = AuthServices.example("minimal.yaml");
    other.getMetadata().setUid("0c0ffee0-0000-4000-8000-000000000002");
    Secret second = secret("second", other);

    assertThatThrownBy(() -> CreateOrAdopt.create(() -> client.resource(second).create(), second,
        other, context))
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(409));
  }

  @Test
  void anythingButAConflictIsNotAnswerEnoughToAdopt() {
    Secret second = secret("second", primary);
    KubernetesClientException unavailable = new KubernetesClientException("unavailable", 503, null);

    assertThatThrownBy(() -> CreateOrAdopt.<Secret>create(() -> {
      throw unavailable;
    }, second, primary, context)).isSameAs(unavailable);
  }

  private static Secret secret(String password, AuthService owner) {
    Secret secret = new SecretBuilder()
        .withMetadata(ChildMetadata.of(owner,
            AuthServiceResources.redisPasswordSecretName(owner.getMetadata().getName()), Component.AUTH))
        .withStringData(Map.of("password", password))
        .build();
    secret.getMetadata().setNamespace("shop");
    // As JOSDK's create adds it.
    secret.addOwnerReference(owner);
    return secret;
  }
}
