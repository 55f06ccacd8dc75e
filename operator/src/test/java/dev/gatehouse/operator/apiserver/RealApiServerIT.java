package dev.gatehouse.operator.apiserver;

import static dev.gatehouse.operator.apiserver.AuditLog.byUserAgent;
import static dev.gatehouse.operator.apiserver.AuditLog.inNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proves the harness itself: a real API server, the CRD, the audit log, RBAC through impersonation. */
class RealApiServerIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  @Test
  void servesTheKubernetesVersionTheBuildAskedFor() {
    String version = System.getProperty(RealApiServer.VERSION_PROPERTY);

    // hack/kube-binaries.sh stamps the version; unstamped binaries say v0.0.0-master.
    assertThat(apiServer.client().getKubernetesVersion().getGitVersion()).isEqualTo("v" + version);
  }

  @Test
  void installsTheGeneratedCrdAndServesItsResource() {
    Path generated = Path.of(System.getProperty(RealApiServer.CRD_PROPERTY));
    assertThat(generated).as("the CRD the build generates").isRegularFile();

    apiServer.installCrd();
    // Again, to take the update path that every later test class takes.
    CustomResourceDefinition crd = apiServer.installCrd();

    assertThat(crd.getSpec().getGroup()).isEqualTo("gatehouse.dev");
    String apiVersion = crd.getSpec().getGroup() + "/" + crd.getSpec().getVersions().get(0).getName();
    assertThat(apiServer.client().genericKubernetesResources(apiVersion, crd.getSpec().getNames().getKind())
        .inNamespace(apiServer.namespace()).list().getItems()).isEmpty();
  }

  @Test
  void auditLogShowsOneCreateByTheClientsUserAgentAndNoReads() {
    String userAgent = "gatehouse-smoke-" + UUID.randomUUID();
    KubernetesClient client = apiServer.clientWithUserAgent(userAgent);
    AuditLog.Mark mark = apiServer.auditLog().mark();

    client.configMaps().inNamespace(apiServer.namespace()).resource(configMap("smoke")).create();
    client.configMaps().inNamespace(apiServer.namespace()).withName("smoke").get();
    client.configMaps().inNamespace(apiServer.namespace()).list();

    assertThat(apiServer.auditLog().writesSince(mark, byUserAgent(userAgent)))
        .singleElement()
        .satisfies(entry -> {
          assertThat(entry.verb()).isEqualTo("create");
          assertThat(entry.resource()).isEqualTo("configmaps");
          assertThat(entry.subresource()).isNull();
          assertThat(entry.namespace()).isEqualTo(apiServer.namespace());
          assertThat(entry.name()).isEqualTo("smoke");
          assertThat(entry.userAgent()).isEqualTo(userAgent);
          assertThat(entry.username()).isEqualTo("kubeapitest");
          assertThat(entry.code()).isEqualTo(201);
        });
  }

  @Test
  void auditLogCountsUpdatesPatchesAndDeletesAsWrites() {
    String userAgent = "gatehouse-smoke-" + UUID.randomUUID();
    KubernetesClient client = apiServer.clientWithUserAgent(userAgent);
    var configMaps = client.configMaps().inNamespace(apiServer.namespace());
    ConfigMap created = configMaps.resource(configMap("verbs")).create();
    AuditLog.Mark mark = apiServer.auditLog().mark();

    configMaps.resource(new ConfigMapBuilder(created).addToData("k", "updated").build()).update();
    configMaps.withName("verbs").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "edited").build());
    configMaps.resource(configMap("verbs")).fieldManager("smoke").forceConflicts().serverSideApply();
    configMaps.withName("verbs").delete();

    // edit() sends a JSON patch and server-side apply is a patch too: both are "patch" in the log.
    assertThat(apiServer.auditLog().writesSince(mark, byUserAgent(userAgent)))
        .extracting(AuditLog.Entry::verb, AuditLog.Entry::name, AuditLog.Entry::code)
        .containsExactly(
            tuple("update", "verbs", 200),
            tuple("patch", "verbs", 200),
            tuple("patch", "verbs", 200),
            tuple("delete", "verbs", 200));
  }

  @Test
  void impersonatedUserIsForbiddenUntilRbacAllowsAndIsAuditedAsItself() throws InterruptedException {
    String namespace = apiServer.namespace();
    String user = "alice-" + UUID.randomUUID().toString().substring(0, 8);
    KubernetesClient alice = apiServer.impersonatingClient(user, "gatehouse-testers");

    assertThatThrownBy(() -> alice.configMaps().inNamespace(namespace).resource(configMap("a")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class,
            e -> assertThat(e.getCode()).isEqualTo(403));

    allowConfigMapCreation(namespace, user);
    AuditLog.Mark mark = apiServer.auditLog().mark();
    createWhenAllowed(alice, namespace, "a");

    assertThat(apiServer.auditLog().writesSince(mark, inNamespace(namespace)))
        .filteredOn(entry -> entry.code() == 201)
        .singleElement()
        .satisfies(entry -> assertThat(entry.username()).isEqualTo(user));
  }

  private static void allowConfigMapCreation(String namespace, String user) {
    apiServer.client().rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
        .withNewMetadata().withName("configmap-creator").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
            .withVerbs("create").build())
        .build()).create();
    apiServer.client().rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName("configmap-creator").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "configmap-creator")
        .addNewSubject().withApiGroup("rbac.authorization.k8s.io").withKind("User").withName(user).endSubject()
        .build()).create();
  }

  /** The RBAC authorizer learns of new bindings through an informer: retry 403s for a few seconds. */
  private static void createWhenAllowed(KubernetesClient client, String namespace, String name)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        client.configMaps().inNamespace(namespace).resource(configMap(name)).create();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
        .addToData("k", "v").build();
  }
}
