package dev.gatehouse.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real API server's refusals of objects like the operator's children, as ReconcileFailure puts
 * them in a condition: the fields the server named, in its words, and nothing of the exception.
 * Independent of the CRD, so it holds whichever of these the CRD comes to refuse itself.
 */
class ReconcileFailureIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  @Test
  void anInvalidChildNamesEveryFieldTheServerNamed() {
    Deployment invalid = new DeploymentBuilder()
        .withNewMetadata().withName("auth").withLabels(Map.of("team", "identity & access"))
        .endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "auth")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "auth")).endMetadata()
        .withNewSpec().addNewContainer().withName("auth-service").withImage("auth:1")
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("2")))
        .withLimits(Map.of("cpu", new Quantity("1")))
        .endResources().endContainer().endSpec().endTemplate().endSpec().build();

    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
        () -> apiServer.client().apps().deployments().inNamespace(apiServer.namespace())
            .resource(invalid).fieldManager("authservice").forceConflicts().serverSideApply());
    ReconcileFailure failure = ReconcileFailure.of(refused);

    assertThat(refused.getMessage()).contains("https://", "Status(");
    assertThat(failure.reason()).isEqualTo("DeploymentRejected");
    assertThat(failure.needsPerson()).isTrue();
    assertThat(failure.message())
        .startsWith("The API server refused Deployment auth: ")
        .contains("metadata.labels: Invalid value: \"identity & access\"")
        .contains("spec.template.spec.containers[0].resources.requests: Invalid value: \"2\":"
            + " must be less than or equal to cpu limit")
        .doesNotContain("Exception", "Status(", "https://", "127.0.0.1", "Failure executing",
            "\tat ");
  }

  @Test
  void aRefusedSecretIsNamedWithoutItsData() {
    String material = "a-generated-password-that-must-never-show";
    KubernetesClientException refused = catchThrowableOfType(KubernetesClientException.class,
        () -> apiServer.client().secrets().inNamespace(apiServer.namespace()).resource(
            new SecretBuilder().withNewMetadata().withName("auth-redis-password")
                .withLabels(Map.of("app.kubernetes.io/instance", "x".repeat(64))).endMetadata()
                .withStringData(Map.of("password", material)).build()).create());
    ReconcileFailure failure = ReconcileFailure.of(refused);

    assertThat(failure.reason()).isEqualTo("SecretRejected");
    assertThat(failure.message())
        .startsWith("The API server refused Secret auth-redis-password: metadata.labels:")
        .contains("must be no more than 63 characters")
        .doesNotContain(material, "https://", "Exception");
  }
}
