package dev.gatehouse.helm;

import static dev.gatehouse.helm.HelmChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every object the chart renders, for the default values and each ci/ scenario, is accepted by a real
 * kube-apiserver of the version we test (server-side apply, dry run, strict field validation: an
 * unknown or misspelt field is an error, not a warning).
 */
class ChartOnApiServerIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final String FIELD_MANAGER = "gatehouse-helm-tests";

  @BeforeAll
  static void prepareCluster() {
    KubernetesClient client = apiServer.client();
    PrometheusOperatorCrds.install(client);
    // The namespaces and PriorityClass that ci/*-values.yaml name (fixed names keep those files
    // readable); a user creates them before installing.
    for (String namespace : List.of(NAMESPACE, "team-a", "team-b", "monitoring")) {
      client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .fieldManager(FIELD_MANAGER).serverSideApply();
    }
    client.resource(new PriorityClassBuilder().withNewMetadata().withName("platform-high").endMetadata()
        .withValue(1_000_000).build()).fieldManager(FIELD_MANAGER).serverSideApply();
  }

  @ParameterizedTest
  @MethodSource("dev.gatehouse.helm.ChartTest#valuesArguments")
  void everyRenderedObjectIsValidForTheApiServer(List<String> values) {
    Rendered rendered = HelmChart.template(NAMESPACE, values.toArray(String[]::new));
    assertThat(rendered.objects()).isNotEmpty();

    for (GenericKubernetesResource object : rendered.objects()) {
      HasMetadata accepted = dryRunApply(object);
      assertThat(accepted.getMetadata().getName()).as(object.getKind())
          .isEqualTo(object.getMetadata().getName());
    }
  }

  @Test
  void strictDryRunRefusesAMisspeltField() {
    // The check above is only as good as its refusal: an unknown field must fail, not warn.
    GenericKubernetesResource deployment = HelmChart.template(NAMESPACE).ofKind("Deployment").get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) deployment.getAdditionalProperties().get("spec");
    spec.put("replica", 1);

    assertThatThrownBy(() -> dryRunApply(deployment)).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("replica");
    GenericKubernetesResource monitor = HelmChart.template(NAMESPACE,
        "--set", "metrics.serviceMonitor.enabled=true").ofKind("ServiceMonitor").get(0);
    ((Map<String, Object>) monitor.getAdditionalProperties().get("spec")).put("endpoint", List.of());
    assertThatThrownBy(() -> dryRunApply(monitor)).isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("endpoint");
  }

  @Test
  void operatorPodIsAdmittedUnderTheRestrictedPodSecurityStandard() {
    // Pod Security admission judges pods, not Deployments: the Deployment's pod template as a pod, in
    // a namespace that enforces "restricted".
    String namespace = apiServer.namespace();
    apiServer.client().namespaces().withName(namespace).edit(ns -> {
      ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
      ns.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce-version", "latest");
      return ns;
    });
    Rendered rendered = HelmChart.template(namespace);
    // Pods are admitted only with an existing ServiceAccount.
    apiServer.client().resource(rendered.ofKind("ServiceAccount").get(0)).fieldManager(FIELD_MANAGER)
        .serverSideApply();
    Deployment deployment = rendered.one(Deployment.class);
    var template = deployment.getSpec().getTemplate();
    var pod = new PodBuilder().withNewMetadata().withName("operator").withNamespace(namespace)
        .withLabels(template.getMetadata().getLabels()).endMetadata()
        .withSpec(template.getSpec()).build();

    assertThat(apiServer.client().resource(pod).dryRun().create()).isNotNull();

    pod.getSpec().getContainers().get(0).getSecurityContext().setAllowPrivilegeEscalation(true);
    assertThatThrownBy(() -> apiServer.client().resource(pod).dryRun().create())
        .as("the namespace really enforces restricted")
        .hasMessageContaining("allowPrivilegeEscalation");
  }

  private static HasMetadata dryRunApply(HasMetadata object) {
    return apiServer.client().resource(object).dryRun().fieldValidation(Validation.STRICT)
        .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }
}
