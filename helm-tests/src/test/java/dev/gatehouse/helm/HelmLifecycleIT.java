package dev.gatehouse.helm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upgrade path docs/helm.md describes, with the real helm against a real API server: install,
 * upgrade (which brings the CRD to the chart's), uninstall (which keeps the CRD and the
 * AuthServices), and a second release that must leave the CRD to the first.
 */
class HelmLifecycleIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final String CRD = "authservices.gatehouse.dev";

  @Test
  void upgradeUpgradesTheCrdAndUninstallKeepsItWithTheAuthServices() throws IOException {
    KubernetesClient client = apiServer.client();
    String first = apiServer.createNamespace("release-one");
    String second = apiServer.createNamespace("release-two");
    Path kubeconfig = kubeconfig();
    // Other test classes of this JVM may have applied the CRD with kubectl-style server-side apply:
    // adopted into the release the way docs/helm.md tells users who did the same.
    if (client.apiextensions().v1().customResourceDefinitions().withName(CRD).get() != null) {
      client.apiextensions().v1().customResourceDefinitions().withName(CRD).edit(crd -> {
        crd.getMetadata().getLabels().put("app.kubernetes.io/managed-by", "Helm");
        crd.getMetadata().getAnnotations().put("meta.helm.sh/release-name", HelmChart.RELEASE);
        crd.getMetadata().getAnnotations().put("meta.helm.sh/release-namespace", first);
        return crd;
      });
    }

    helmSucceeds(kubeconfig, "install", HelmChart.RELEASE, HelmChart.DIR.toString(), "-n", first);
    assertThat(client.apps().deployments().inNamespace(first).withName(HelmChart.RELEASE).get())
        .isNotNull();
    AuthService example = client.resources(AuthService.class)
        .load(HelmChart.REPO.resolve("examples/minimal.yaml").toFile()).item();
    example.getMetadata().setNamespace(first);
    client.resource(example).fieldManager("kubectl").serverSideApply();

    // A cluster with an older CRD (here: one whose printer columns differ) gets the chart's.
    CustomResourceDefinition installed = crd();
    client.apiextensions().v1().customResourceDefinitions().withName(CRD).edit(crd -> {
      crd.getSpec().getVersions().get(0).setAdditionalPrinterColumns(List.of());
      return crd;
    });
    helmSucceeds(kubeconfig, "upgrade", HelmChart.RELEASE, HelmChart.DIR.toString(), "-n", first,
        "--set", "replicaCount=2");
    assertThat(crd().getSpec().getVersions().get(0).getAdditionalPrinterColumns())
        .isEqualTo(installed.getSpec().getVersions().get(0).getAdditionalPrinterColumns()).isNotEmpty();
    assertThat(client.apps().deployments().inNamespace(first).withName(HelmChart.RELEASE).get()
        .getSpec().getReplicas()).isEqualTo(2);

    // A second release may not take the first one's CRD...
    HelmChart.Result refused = HelmChart.helm(List.of("install", HelmChart.RELEASE,
        HelmChart.DIR.toString(), "-n", second), kubeconfig);
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("invalid ownership metadata");
    // ...and installs beside it without one.
    helmSucceeds(kubeconfig, "install", HelmChart.RELEASE, HelmChart.DIR.toString(), "-n", second,
        "--set", "crds.install=false");

    helmSucceeds(kubeconfig, "uninstall", HelmChart.RELEASE, "-n", first);
    assertThat(client.apps().deployments().inNamespace(first).withName(HelmChart.RELEASE).get())
        .as("the release's objects are gone").isNull();
    assertThat(crd()).as("the CRD is kept").isNotNull();
    assertThat(client.resources(AuthService.class).inNamespace(first)
        .withName(example.getMetadata().getName()).get()).as("and so is every AuthService").isNotNull();
    helmSucceeds(kubeconfig, "uninstall", HelmChart.RELEASE, "-n", second);
    assertThat(crd()).isNotNull();
  }

  private static CustomResourceDefinition crd() {
    return apiServer.client().apiextensions().v1().customResourceDefinitions().withName(CRD).get();
  }

  private static void helmSucceeds(Path kubeconfig, String... args) {
    HelmChart.Result result = HelmChart.helm(List.of(args), kubeconfig);
    assertThat(result.exitCode()).as("helm %s:%n%s%s", List.of(args), result.stdout(), result.stderr())
        .isZero();
  }

  /** A kubeconfig for helm with the admin client's server, CA and client certificate. */
  private static Path kubeconfig() throws IOException {
    Config config = apiServer.client().getConfiguration();
    List<String> lines = new ArrayList<>(List.of(
        "apiVersion: v1",
        "kind: Config",
        "current-context: test",
        "contexts:",
        "  - name: test",
        "    context: {cluster: test, user: admin}",
        "clusters:",
        "  - name: test",
        "    cluster:",
        "      server: " + config.getMasterUrl()));
    lines.add(config.getCaCertData() != null
        ? "      certificate-authority-data: " + config.getCaCertData()
        : "      certificate-authority: " + config.getCaCertFile());
    lines.add("users:");
    lines.add("  - name: admin");
    lines.add("    user:");
    lines.add(config.getClientCertData() != null
        ? "      client-certificate-data: " + config.getClientCertData()
        : "      client-certificate: " + config.getClientCertFile());
    lines.add(config.getClientKeyData() != null
        ? "      client-key-data: " + config.getClientKeyData()
        : "      client-key: " + config.getClientKeyFile());
    Path file = Files.createTempFile("helm-kubeconfig-", ".yaml");
    file.toFile().deleteOnExit();
    Files.write(file, lines);
    return file;
  }
}
