package dev.gatehouse.helm;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * CRDs for the Prometheus Operator kinds the chart renders (ServiceMonitor, PodMonitor,
 * PrometheusRule), generated from fabric8's model of them (io.fabric8:openshift-model-monitoring,
 * itself generated from the Prometheus Operator's Go types). Their schemas are structural and admit
 * no unknown field, so the API server checks every field name and type of the chart's objects. Not
 * the upstream CRDs (those are not published to a registry we reach): upstream's CEL rules and enums
 * are not checked.
 */
final class PrometheusOperatorCrds {

  private PrometheusOperatorCrds() {}

  static void install(KubernetesClient client) {
    Path dir;
    try {
      dir = Files.createTempDirectory("prometheus-operator-crds-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new CRDGenerator()
        .inOutputDir(dir.toFile())
        .forCRDVersions("v1")
        // The model's catch-all maps would otherwise mark every object "preserve unknown fields".
        .withImplicitPreserveUnknownFields(false)
        .customResourceClasses(ServiceMonitor.class, PodMonitor.class, PrometheusRule.class)
        .generate();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> crdFiles = files.sorted().toList();
      for (Path file : crdFiles) {
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
            .load(file.toFile()).item();
        client.resource(crd).fieldManager("gatehouse-helm-tests").forceConflicts().serverSideApply();
        client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
            .waitUntilCondition(PrometheusOperatorCrds::isEstablished, 60, TimeUnit.SECONDS);
        Files.delete(file);
      }
      Files.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isEstablished(CustomResourceDefinition crd) {
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
