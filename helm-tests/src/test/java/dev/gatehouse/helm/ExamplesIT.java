package dev.gatehouse.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceSpec;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every manifest under examples/ is applied to a real API server (server-side apply, strict field
 * validation), so an example can never drift from the CRD. The GitOps tools' own objects (Argo CD,
 * Flux, kustomize files) need those tools' CRDs and are checked by GitOpsExamplesTest instead.
 */
class ExamplesIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final Path EXAMPLES = HelmChart.REPO.resolve("examples");
  /**
   * Proxy recipes in a proxy's own YAML, not Kubernetes objects: each is checked by the auth
   * service's test of that recipe (examples/envoy: EnvoyRecipeIT; examples/traefik:
   * TraefikForwardAuthIT).
   */
  private static final Set<Path> PROXY_CONFIG_DIRS = Set.of(EXAMPLES.resolve("envoy"), EXAMPLES.resolve("traefik"));
  /** API groups that only GitOps tools serve; their objects are checked, not applied. */
  private static final Set<String> GITOPS_GROUPS = Set.of("argoproj.io", "source.toolkit.fluxcd.io",
      "helm.toolkit.fluxcd.io", "kustomize.toolkit.fluxcd.io", "kustomize.config.k8s.io");

  @BeforeAll
  static void installCrd() {
    apiServer.installCrd();
  }

  @Test
  void everyExampleManifestIsAcceptedByTheApiServer() throws IOException {
    List<GenericKubernetesResource> applicable = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(EXAMPLES)) {
      // A *-patch.yaml is a patch to merge into an object the user has, not an object to apply.
      files = walk.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .filter(f -> !f.getFileName().toString().endsWith("-patch.yaml"))
          .filter(f -> PROXY_CONFIG_DIRS.stream().noneMatch(f::startsWith))
          .sorted().toList();
    }
    int gitOpsObjects = 0;
    for (Path file : files) {
      for (GenericKubernetesResource object : Rendered.parse(Files.readString(file)).objects()) {
        if (GITOPS_GROUPS.contains(group(object))) {
          gitOpsObjects++;
        } else {
          applicable.add(object);
        }
      }
    }
    // Ingress: examples/ingress-nginx, the ingress-nginx forward-auth recipe.
    assertThat(applicable).extracting(HasMetadata::getKind).contains("AuthService", "Namespace", "Ingress");
    assertThat(gitOpsObjects).isPositive();

    // Namespaces first, as kubectl apply -f of a directory would need them.
    applicable.sort(Comparator.comparing(o -> "Namespace".equals(o.getKind()) ? 0 : 1));
    String testNamespace = apiServer.namespace();
    for (GenericKubernetesResource object : applicable) {
      if (object.getMetadata().getNamespace() == null && !"Namespace".equals(object.getKind())) {
        object.getMetadata().setNamespace(testNamespace);
      }
      HasMetadata applied = apiServer.client().resource(object).fieldValidation(Validation.STRICT)
          .fieldManager("kubectl").serverSideApply();
      assertThat(applied.getMetadata().getUid()).as("%s %s", object.getKind(),
          object.getMetadata().getName()).isNotBlank();
    }

    // The CRD's defaults reached every example AuthService (none sets spec.image): the API server
    // read them as AuthServices, not as opaque objects.
    assertThat(applicable).filteredOn(o -> "AuthService".equals(o.getKind())).isNotEmpty()
        .allSatisfy(o -> assertThat((Object) apiServer.client().resource(o).get().get("spec", "image"))
            .isEqualTo(AuthServiceSpec.DEFAULT_IMAGE));
  }

  private static String group(HasMetadata object) {
    String apiVersion = object.getApiVersion();
    return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
  }
}
