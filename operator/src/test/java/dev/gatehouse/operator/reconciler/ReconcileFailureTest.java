package dev.gatehouse.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import io.javaoperatorsdk.operator.OperatorException;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * What of a failed write reaches a condition. The real API server's answers are in
 * ReconcileFailureIT; these pin the rules on answers that are hard to provoke there.
 */
class ReconcileFailureTest {

  private static final String URL =
      "https://127.0.0.1:6443/apis/apps/v1/namespaces/shop/deployments/auth?fieldManager=x";

  @Test
  void aRefusedChildNamesItsKindAndTheFieldsButNotTheExceptionOrTheServer() {
    Status invalid = new StatusBuilder().withCode(422).withReason("Invalid")
        .withMessage("Deployment.apps \"auth\" is invalid: [spec.template.metadata.labels: Invalid"
            + " value: \"x y\": a valid label must be ...]")
        .withNewDetails().withName("auth").withGroup("apps").withKind("Deployment")
        .addNewCause().withField("spec.template.metadata.labels").withReason("FieldValueInvalid")
        .withMessage("Invalid value: \"x y\": a valid label must be ...").endCause()
        .endDetails().build();

    // As JOSDK hands it over: its metrics wrap the workflow's exception, which holds the
    // dependent's, which holds fabric8's.
    ReconcileFailure failure = ReconcileFailure.of(new OperatorException(
        new AggregatedOperatorException("Exception(s) during workflow execution.",
            Map.of("auth-deployment", new IllegalStateException(
                exception("deployments", 422, invalid))))));

    assertThat(failure.reason()).isEqualTo("DeploymentRejected");
    assertThat(failure.needsPerson()).isTrue();
    assertThat(failure.message())
        .startsWith("The API server refused Deployment auth: spec.template.metadata.labels:"
            + " Invalid value: \"x y\": a valid label must be ...")
        .contains("Change the AuthService's spec", "every 30 s")
        .doesNotContain("Exception", "Status(", "https://", "127.0.0.1", "Failure executing");
  }

  @Test
  void aForbiddenWriteIsStalledWithTheServersWordsWithoutItsPrefix() {
    Status forbidden = new StatusBuilder().withCode(403).withReason("Forbidden")
        .withMessage("deployments.apps \"auth\" is forbidden: exceeded quota: no-deployments,"
            + " requested: count/deployments.apps=1, used: count/deployments.apps=0, limited:"
            + " count/deployments.apps=0")
        .withNewDetails().withName("auth").withGroup("apps").withKind("deployments").endDetails()
        .build();

    ReconcileFailure failure = ReconcileFailure.of(exception("deployments", 403, forbidden));

    assertThat(failure.reason()).isEqualTo("DeploymentRejected");
    assertThat(failure.needsPerson()).isTrue();
    assertThat(failure.message()).startsWith("The API server refused Deployment auth: exceeded"
        + " quota: no-deployments, requested: count/deployments.apps=1")
        .contains("ResourceQuota");
  }

  @Test
  void aWebhooksAddressIsLeftOut() {
    Status failed = new StatusBuilder().withCode(500).withReason("InternalError")
        .withMessage("Internal error occurred: failed calling webhook \"v.example.com\": Post"
            + " \"https://hook.policy.svc:443/validate?timeout=10s\": dial tcp: connection refused")
        .build();

    ReconcileFailure failure = ReconcileFailure.of(exception("services", 500, failed));

    assertThat(failure.reason()).isEqualTo("ServiceWriteFailed");
    assertThat(failure.needsPerson()).isFalse();
    assertThat(failure.message()).contains("failed calling webhook \"v.example.com\"",
        "(address omitted)").doesNotContain("hook.policy.svc", "https://");
  }

  @Test
  void aConflictIsRetriedAndStallsOnlyOnceItPersists() {
    Status conflict = new StatusBuilder().withCode(409).withReason("AlreadyExists")
        .withMessage("secrets \"auth-admin-token\" already exists").build();

    ReconcileFailure failure = ReconcileFailure.of(exception("secrets", 409, conflict));

    assertThat(failure.reason()).isEqualTo("SecretConflict");
    assertThat(failure.needsPerson()).isFalse();
    assertThat(failure.persisting().needsPerson()).isTrue();
    assertThat(failure.message()).startsWith("Secret auth already exists but is not one"
        + " the operator manages");
  }

  @Test
  void throttlingUnavailabilityAndSilenceAreRetriedNotStalled() {
    for (int code : new int[] {429, 503}) {
      Status status = new StatusBuilder().withCode(code).withMessage("try again").build();
      assertThat(ReconcileFailure.of(exception("secrets", code, status)))
          .satisfies(f -> assertThat(f.persisting().needsPerson()).as("HTTP %d", code).isFalse())
          .satisfies(f -> assertThat(f.reason()).isEqualTo("SecretWriteFailed"));
    }
    KubernetesClientException unreachable = new KubernetesClientException(
        "Operation: [create] for kind: [Secret] failed.", new IOException("connect to " + URL));
    assertThat(ReconcileFailure.of(unreachable)).satisfies(f -> {
      assertThat(f.needsPerson()).isFalse();
      assertThat(f.message()).doesNotContain("IOException", "https://", "Operation:");
    });
  }

  @Test
  void anythingElseIsAPlainRetryWithoutItsMessage() {
    ReconcileFailure failure =
        ReconcileFailure.of(new IllegalStateException("java.lang.NullPointerException at x.y(Z)"));

    assertThat(failure.reason()).isEqualTo("ReconcileError");
    assertThat(failure.needsPerson()).isFalse();
    assertThat(failure.message()).doesNotContain("Exception", "x.y");
  }

  /** The exception fabric8 raises for an answer to a request on {@code plural}. */
  private static KubernetesClientException exception(String plural, int code, Status status) {
    HttpRequest request = Mockito.mock(HttpRequest.class);
    Mockito.when(request.uri()).thenReturn(URI.create(URL.replace("deployments", plural)));
    return new KubernetesClientException("Failure executing: PATCH at: " + URL + ". Message: "
        + status.getMessage() + ". Received status: " + status + ".", null, code, status, request);
  }
}
