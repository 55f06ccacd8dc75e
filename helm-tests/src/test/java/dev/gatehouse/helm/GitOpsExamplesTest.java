package dev.gatehouse.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The GitOps layout in examples/gitops points at this chart at this version, and its values render.
 * (Argo CD's and Flux's own objects need their controllers' CRDs, so they are checked here rather
 * than applied; the manifests they sync, examples/gitops/auth, are applied by ExamplesIT.)
 */
class GitOpsExamplesTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path GITOPS = HelmChart.REPO.resolve("examples/gitops");
  private static final String CHART_PATH = HelmChart.REPO.relativize(HelmChart.DIR).toString();

  @Test
  void argoCdApplicationInstallsThisChartAtTheTagOfItsVersion() throws IOException {
    JsonNode app = read(GITOPS.resolve("argocd/gatehouse-operator.yaml"));
    JsonNode source = app.path("spec").path("source");

    assertThat(app.path("apiVersion").asText()).isEqualTo("argoproj.io/v1alpha1");
    assertThat(app.path("kind").asText()).isEqualTo("Application");
    assertThat(source.path("path").asText()).isEqualTo(CHART_PATH);
    assertThat(source.path("targetRevision").asText()).isEqualTo("v" + chartVersion());
    assertThat(source.path("helm").path("releaseName").asText()).isEqualTo(HelmChart.RELEASE);
    assertThat(source.path("repoURL").asText()).isEqualTo(fluxRepositoryUrl());
    assertRendersWith(source.path("helm").path("valuesObject"),
        app.path("spec").path("destination").path("namespace").asText());
  }

  @Test
  void argoCdAuthApplicationSyncsTheAuthDirectoryAtTheSameTag() throws IOException {
    JsonNode source = read(GITOPS.resolve("argocd/auth.yaml")).path("spec").path("source");

    assertThat(HelmChart.REPO.resolve(source.path("path").asText())).isEqualTo(GITOPS.resolve("auth"));
    assertThat(source.path("targetRevision").asText()).isEqualTo("v" + chartVersion());
    assertThat(source.path("repoURL").asText()).isEqualTo(fluxRepositoryUrl());
  }

  @Test
  void fluxHelmReleaseInstallsThisChartFromTheGitRepositoryAtTheTagOfItsVersion() throws IOException {
    JsonNode release = read(GITOPS.resolve("flux/helmrelease.yaml"));
    JsonNode repository = read(GITOPS.resolve("flux/gitrepository.yaml"));
    JsonNode chart = release.path("spec").path("chart").path("spec");

    assertThat(release.path("apiVersion").asText()).isEqualTo("helm.toolkit.fluxcd.io/v2");
    assertThat(release.path("kind").asText()).isEqualTo("HelmRelease");
    assertThat(Path.of(chart.path("chart").asText()).normalize().toString()).isEqualTo(CHART_PATH);
    assertThat(chart.path("sourceRef").path("kind").asText()).isEqualTo("GitRepository");
    assertThat(chart.path("sourceRef").path("name").asText())
        .isEqualTo(repository.path("metadata").path("name").asText());
    assertThat(repository.path("spec").path("ref").path("tag").asText()).isEqualTo("v" + chartVersion());
    assertThat(release.path("spec").path("releaseName").asText()).isEqualTo(HelmChart.RELEASE);
    assertRendersWith(release.path("spec").path("values"),
        release.path("spec").path("targetNamespace").asText());
  }

  @Test
  void fluxKustomizationSyncsTheAuthDirectoryFromTheSameRepository() throws IOException {
    JsonNode kustomization = read(GITOPS.resolve("flux/auth-kustomization.yaml"));
    JsonNode repository = read(GITOPS.resolve("flux/gitrepository.yaml"));

    assertThat(kustomization.path("apiVersion").asText()).isEqualTo("kustomize.toolkit.fluxcd.io/v1");
    assertThat(HelmChart.REPO.resolve(kustomization.path("spec").path("path").asText()).normalize())
        .isEqualTo(GITOPS.resolve("auth"));
    assertThat(kustomization.path("spec").path("sourceRef").path("name").asText())
        .isEqualTo(repository.path("metadata").path("name").asText());
  }

  @Test
  void kustomizeFilesListEveryManifestBesideThem() throws IOException {
    for (Path dir : List.of(GITOPS.resolve("flux"), GITOPS.resolve("auth"))) {
      List<String> listed = new ArrayList<>();
      read(dir.resolve("kustomization.yaml")).path("resources").forEach(r -> listed.add(r.asText()));
      List<String> present;
      try (var files = Files.list(dir)) {
        present = files.map(f -> f.getFileName().toString())
            .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml")).sorted().toList();
      }
      assertThat(listed).as(dir.toString()).containsExactlyInAnyOrderElementsOf(present);
    }
  }

  @Test
  void theSyncedAuthServiceIsTheMinimalExample() throws IOException {
    JsonNode synced = read(GITOPS.resolve("auth/authservice.yaml"));
    JsonNode minimal = read(HelmChart.REPO.resolve("examples/minimal.yaml"));

    assertThat(synced.path("spec")).isEqualTo(minimal.path("spec"));
    assertThat(synced.path("metadata").path("namespace").asText()).isEqualTo("auth");
  }

  /** The values a GitOps object passes to the chart are valid for it (helm checks the schema). */
  private static void assertRendersWith(JsonNode values, String namespace) throws IOException {
    Path file = Files.createTempFile("gitops-values-", ".yaml");
    try {
      YAML.writeValue(file.toFile(), values);
      Deployment deployment = HelmChart.template(namespace, "-f", file.toString()).one(Deployment.class);
      assertThat(deployment.getMetadata().getNamespace()).isEqualTo(namespace);
      assertThat(ChartTest.env(deployment)).containsEntry("GATEHOUSE_WATCH_NAMESPACES", "auth");
    } finally {
      Files.delete(file);
    }
  }

  private static String chartVersion() throws IOException {
    return read(HelmChart.DIR.resolve("Chart.yaml")).path("version").asText();
  }

  private static String fluxRepositoryUrl() throws IOException {
    return read(GITOPS.resolve("flux/gitrepository.yaml")).path("spec").path("url").asText();
  }

  private static JsonNode read(Path file) throws IOException {
    return YAML.readTree(file.toFile());
  }
}
