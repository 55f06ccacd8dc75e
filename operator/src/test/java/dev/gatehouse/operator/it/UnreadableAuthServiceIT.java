package dev.gatehouse.operator.it;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.SPEC_UNREADABLE;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.STALLED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import dev.gatehouse.operator.support.Conditions;
import dev.gatehouse.operator.support.Eventually;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One AuthService the operator cannot read must not stop it for the others. Such objects exist
 * although the CRD now refuses them: they were stored under an earlier CRD without its bounds (the
 * upgrade does not revalidate what is stored). The test makes them the same way, under a CRD whose
 * spec and status take anything, then puts the real CRD back, and runs the operator over them:
 * the others reconcile, at start, while it runs, and after a restart with them still there, and
 * each unreadable one says in its status which field to fix.
 *
 * <p>The CRD is cluster-wide and shared by the test classes of the run, which run one at a time:
 * the real CRD is back before each test ends.
 */
class UnreadableAuthServiceIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String VALID_SPEC = """
      redis:
        managed: {ephemeral: true}
      jwt: {issuer: https://auth.example.com, audiences: [api]}
      """;
  /** 2^31: one more than a Java int holds, which the CRD once took as an affinity weight. */
  private static final String WEIGHT_OVERFLOW = VALID_SPEC + """
      pod:
        affinity:
          nodeAffinity:
            preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 2147483648
              preference:
                matchExpressions: [{key: disktype, operator: In, values: [ssd]}]
      """;
  private static final String WEIGHT_FIELD =
      "spec.pod.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"
          + " holds 2147483648";
  /** fabric8's Quantity throws on an empty string. */
  private static final String EMPTY_QUANTITY = VALID_SPEC + """
      resources:
        limits: {memory: ""}
      """;

  private final HttpClient http = HttpClient.newHttpClient();
  private KubernetesClient client;
  private String namespace;
  private CustomResourceDefinition realCrd;

  @BeforeEach
  void installCrd() {
    client = apiServer.client();
    namespace = apiServer.namespace();
    realCrd = apiServer.installCrd();
  }

  @AfterEach
  void restoreCrd() {
    replaceCrd(realCrd);
  }

  @Test
  void unreadableAuthServicesDoNotStopTheOthersAtStartWhileRunningOrAfterARestart()
      throws Exception {
    withPermissiveCrd(() -> {
      create("weight-overflow", WEIGHT_OVERFLOW);
      create("empty-quantity", EMPTY_QUANTITY);
      create("no-spec", null);
      create("status-overflow", VALID_SPEC);
      GenericKubernetesResource withStatus = generic("status-overflow");
      withStatus.getAdditionalProperties().put("status", Map.of("readyReplicas", 2147483648L));
      client.resource(withStatus).inNamespace(namespace).updateStatus();
    });
    create("good-before", VALID_SPEC);

    try (GatehouseOperator operator = InProcessOperator.watching(apiServer, namespace)) {
      awaitDeployment("good-before");
      // Its unreadable status was rebuilt from the spec.
      awaitDeployment("status-overflow");
      awaitCondition(() -> {
        AuthService rebuilt = client.resources(AuthService.class).inNamespace(namespace)
            .withName("status-overflow").get();
        return rebuilt.getStatus() != null && Integer.valueOf(0).equals(rebuilt.getStatus().getReadyReplicas());
      });
      assertUnreadable("weight-overflow", WEIGHT_FIELD + ", which the operator cannot read as a"
          + " 32-bit integer");
      assertUnreadable("empty-quantity", "spec.resources.limits.memory holds \"\"");
      assertUnreadable("no-spec", "spec is missing");
      awaitLive(operator);

      // One arriving by the watch, while the operator runs.
      withPermissiveCrd(() -> create("weight-later", WEIGHT_OVERFLOW));
      create("good-during", VALID_SPEC);
      awaitDeployment("good-during");
      assertUnreadable("weight-later", WEIGHT_FIELD);
      awaitLive(operator);
    }

    // The restart that used to hang: the operator lists the unreadable ones and starts anyway.
    try (GatehouseOperator restarted = InProcessOperator.watching(apiServer, namespace)) {
      create("good-after", VALID_SPEC);
      awaitDeployment("good-after");
      assertThat(get(restarted, "/readyz").statusCode()).isEqualTo(200);
      awaitLive(restarted);
      assertUnreadable("weight-overflow", WEIGHT_FIELD);
    }
    for (String unreadable : new String[] {"weight-overflow", "empty-quantity", "no-spec",
        "weight-later"}) {
      assertThat(client.apps().deployments().inNamespace(namespace).withName(unreadable).get())
          .as("a Deployment for %s", unreadable).isNull();
    }
  }

  /** Stores objects that the real CRD refuses, as an older CRD without its bounds once did. */
  private void withPermissiveCrd(Runnable writes) {
    replaceCrd(permissive(realCrd));
    try {
      // The API server takes up a changed schema within moments, not at once.
      awaitCondition(() -> {
        try {
          writes.run();
          return true;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 422) {
            throw e;
          }
          return false;
        }
      });
    } finally {
      replaceCrd(realCrd);
    }
    awaitCondition(() -> {
      try {
        client.resource(resource("probe", WEIGHT_OVERFLOW)).inNamespace(namespace).dryRun().create();
        return false;
      } catch (KubernetesClientException e) {
        return e.getCode() == 422;
      }
    });
  }

  private static CustomResourceDefinition permissive(CustomResourceDefinition crd) {
    CustomResourceDefinition copy = Serialization.clone(crd);
    JSONSchemaProps root = copy.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    JSONSchemaProps anything = new JSONSchemaPropsBuilder().withType("object")
        .withXKubernetesPreserveUnknownFields(true).build();
    root.getProperties().put("spec", anything);
    root.getProperties().put("status", anything);
    root.setRequired(null);
    root.setXKubernetesValidations(null);
    return copy;
  }

  /** A whole replacement (PUT), so that nothing of the permissive schema survives it. */
  private void replaceCrd(CustomResourceDefinition crd) {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    CustomResourceDefinition replacement = Serialization.clone(crd);
    replacement.getMetadata().setResourceVersion(
        crds.withName(crd.getMetadata().getName()).get().getMetadata().getResourceVersion());
    replacement.getMetadata().setManagedFields(null);
    replacement.setStatus(null);
    crds.resource(replacement).update();
  }

  private void create(String name, String spec) {
    client.resource(resource(name, spec)).inNamespace(namespace).create();
  }

  private static GenericKubernetesResource resource(String name, String spec) {
    return Serialization.unmarshal("""
        apiVersion: gatehouse.dev/v1alpha1
        kind: AuthService
        metadata:
          name: %s
        """.formatted(name) + (spec == null ? "" : "spec:\n" + spec.indent(2)),
        GenericKubernetesResource.class);
  }

  private GenericKubernetesResource generic(String name) {
    return client.genericKubernetesResources("gatehouse.dev/v1alpha1", "AuthService")
        .inNamespace(namespace).withName(name).get();
  }

  private void assertUnreadable(String name, String message) {
    awaitCondition(() -> authService(name).flatMap(s -> Conditions.find(s, READY))
        .map(c -> SPEC_UNREADABLE.equals(c.getReason())).orElse(false));
    Condition ready = Conditions.condition(authService(name).orElseThrow(), READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage()).contains(message).contains("correct the field")
        .doesNotContain("Exception", "https://127.0.0.1");
    // kstatus's Failed: a person must correct the field.
    Condition stalled = Conditions.condition(authService(name).orElseThrow(), STALLED);
    assertThat(stalled.getStatus()).isEqualTo("True");
    assertThat(stalled.getReason()).isEqualTo(SPEC_UNREADABLE);
  }

  private Optional<AuthService> authService(String name) {
    return Optional.ofNullable(client.resources(AuthService.class).inNamespace(namespace)
        .withName(name).get());
  }

  private Deployment awaitDeployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name)
        .waitUntilCondition(d -> d != null, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void awaitCondition(BooleanSupplier check) {
    Eventually.until(TIMEOUT, check);
  }

  /**
   * Live again soon: /healthz is 503 for the moment an informer re-lists (the CRD was just swapped
   * twice), which a liveness probe's failure threshold rides out; a hang would never answer 200.
   */
  private void awaitLive(GatehouseOperator operator) {
    awaitCondition(() -> {
      try {
        return get(operator, "/healthz").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
  }

  private HttpResponse<String> get(GatehouseOperator operator, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + operator.healthPort() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
