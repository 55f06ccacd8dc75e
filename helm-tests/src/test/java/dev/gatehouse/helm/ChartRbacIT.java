package dev.gatehouse.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.OperatorSettings;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.apiserver.AuditLog;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RBAC is sufficient and minimal: the operator runs with exactly the permissions of the chart's
 * ServiceAccount (the API server enforces RBAC on the impersonated identity), reconciles an example
 * fully without one refused request, and cannot read Secrets outside the namespaces it watches.
 */
class ChartRbacIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path EXAMPLES = HelmChart.REPO.resolve("examples");
  private static final String FIELD_MANAGER = "helm";

  /**
   * Granted but not seen as requests in the audit log of the scenario below, each for a reason.
   */
  private static final Set<Permission> NOT_SEEN_IN_THE_AUDIT_LOG = Stream.of(
      // A server-side apply that creates its object is one patch request, in which the API server
      // also checks create (serverSideApplyThatCreatesNeedsCreate proves it).
      Permission.each("create", "services", "apps/deployments", "apps/statefulsets",
          "networking.k8s.io/networkpolicies", "policy/poddisruptionbudgets"),
      // JOSDK checks for it before leader election starts (a SelfSubjectRulesReview); fabric8 then
      // renews the Lease with patch.
      Permission.each("update", "coordination.k8s.io/leases"),
      // Used when an AuthService moves from a managed to an external Redis: the operator deletes the
      // managed Redis's children. Not exercised here: no scenario here moves to an external Redis
      // (AuthServiceOperatorIT's switchingToAnExternalRedisDeletesTheManagedOne does).
      Permission.each("delete", "configmaps", "services"),
      // Also: the managed-Redis Deployment of earlier operators, deleted on upgrade
      // (AuthServiceOperatorIT shows it).
      Permission.each("delete", "apps/deployments", "apps/statefulsets",
          "networking.k8s.io/networkpolicies"),
      // Checked, not requested: the test API server enforces owner reference permissions
      // (OwnerReferencesPermissionEnforcement), which lets a child name its AuthService with
      // blockOwnerDeletion only for who may update the AuthService's finalizers (the namespaced
      // scenario fails without it), and lets an update change an object's owner references only
      // for who may delete it (operatorBecomesControllerOfABudgetAnEarlierOneOwned).
      Permission.each("update", "gatehouse.dev/authservices/finalizers"),
      Permission.each("delete", "policy/poddisruptionbudgets"))
      .flatMap(List::stream).collect(Collectors.toUnmodifiableSet());

  private final List<GatehouseOperator> operators = new ArrayList<>();

  @AfterEach
  void stopOperators() {
    operators.forEach(GatehouseOperator::close);
    operators.clear();
  }

  @Test
  void namespacedOperatorReconcilesTheMinimalExampleAndIsRefusedSecretsElsewhere() throws IOException {
    String release = apiServer.createNamespace("gatehouse-system");
    String watched = apiServer.createNamespace("team");
    String elsewhere = apiServer.createNamespace("elsewhere");
    Rendered chart = HelmChart.template(release, "--set", "watchNamespaces={" + watched + "}");
    String serviceAccount = install(chart);
    apiServer.client().secrets().inNamespace(elsewhere).resource(new SecretBuilder()
        .withNewMetadata().withName("not-yours").endMetadata()
        .withStringData(Map.of("password", "hunter2")).build()).create();

    AuditLog.Mark mark = apiServer.auditLog().mark();
    KubernetesClient operatorClient = startOperatorAs(serviceAccount, chart, release);
    String name = apply("minimal.yaml", watched, a -> { });

    assertFullyReconciled(watched, name);
    // A new maxclients makes the operator update the managed Redis's ConfigMap.
    apply("minimal.yaml", watched, a -> a.getSpec().getRedis().getManaged().setMaxClients(2000));
    apiServer.client().configMaps().inNamespace(watched).withName(name + "-redis-config")
        .waitUntilCondition(c -> c.getData().values().stream().anyMatch(v -> v.contains("maxclients 2000")),
            60, TimeUnit.SECONDS);
    // Bringing one's own signing key makes the operator delete the key it generated.
    apiServer.client().secrets().inNamespace(watched).resource(new SecretBuilder()
        .withNewMetadata().withName("own-signing-keys").endMetadata()
        .withStringData(Map.of("active-kid", "k1")).build()).create();
    apply("minimal.yaml", watched, a -> {
      a.getSpec().getRedis().getManaged().setMaxClients(2000);
      SecretReference keys = new SecretReference();
      keys.setName("own-signing-keys");
      a.getSpec().getJwt().setSigningKeySecretRef(keys);
    });
    apiServer.client().secrets().inNamespace(watched).withName(name + "-jwt-es256")
        .waitUntilCondition(secret -> secret == null, 60, TimeUnit.SECONDS);

    List<Request> requests = requestsOf(serviceAccount, mark);
    assertThat(requests).filteredOn(r -> r.code() == 403).as("requests of %s refused by RBAC",
        serviceAccount).isEmpty();
    // Minimal: every permission the chart grants was used in this scenario, but for the few listed
    // with their reasons.
    Set<Permission> used = requests.stream().filter(r -> r.code() < 400).map(Request::permission)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<Permission> unused = granted(chart.all(Role.class));
    unused.removeAll(used);
    assertThat(unused).as("permissions granted to %s but not used; used: %s", serviceAccount, used)
        .containsExactlyInAnyOrderElementsOf(NOT_SEEN_IN_THE_AUDIT_LOG);

    // The operator's identity, outside its namespaces: no Secret, no list, not even by name.
    AuditLog.Mark refusals = apiServer.auditLog().mark();
    assertForbidden(() -> operatorClient.secrets().inNamespace(elsewhere).withName("not-yours").get());
    assertForbidden(() -> operatorClient.secrets().inNamespace(elsewhere).list());
    assertForbidden(() -> operatorClient.secrets().inAnyNamespace().list());
    assertForbidden(() -> operatorClient.configMaps().inNamespace(release).list());
    assertThat(operatorClient.secrets().inNamespace(watched).list().getItems()).isNotEmpty();
    // ...and the audit log says RBAC refused them (what the cluster-scope test relies on).
    assertThat(requestsOf(serviceAccount, refusals)).filteredOn(Request::deniedByAuthorization)
        .hasSize(4);
  }

  @Test
  void clusterScopedOperatorReconcilesInANamespaceItWasNeverToldAbout() throws IOException {
    String release = apiServer.createNamespace("gatehouse-cluster");
    String anywhere = apiServer.createNamespace("anywhere");
    Rendered chart = HelmChart.template(release, "--set", "scope=cluster");
    String serviceAccount = install(chart);

    AuditLog.Mark mark = apiServer.auditLog().mark();
    startOperatorAs(serviceAccount, chart, release);
    String name = apply("minimal.yaml", anywhere, a -> { });

    assertFullyReconciled(anywhere, name);
    // A cluster-wide operator also reconciles what other test classes left in namespaces that are
    // now Terminating (no controller empties them here); writes there are refused with 403 by
    // admission, not by RBAC. So: no RBAC denial anywhere, and no 403 at all in this test's namespace.
    List<Request> requests = requestsOf(serviceAccount, mark);
    assertThat(requests).filteredOn(Request::deniedByAuthorization)
        .as("requests of %s refused by RBAC", serviceAccount).isEmpty();
    assertThat(requests).filteredOn(r -> r.code() == 403 && r.uri().contains("/namespaces/" + anywhere + "/"))
        .isEmpty();
  }

  @Test
  void operatorBecomesControllerOfABudgetAnEarlierOneOwned() throws IOException {
    String release = apiServer.createNamespace("gatehouse-upgrade");
    String watched = apiServer.createNamespace("team");
    Rendered chart = HelmChart.template(release, "--set", "watchNamespaces={" + watched + "}");
    String serviceAccount = install(chart);
    String name = apply("minimal.yaml", watched, a -> { });
    AuthService owner = apiServer.client().resources(AuthService.class).inNamespace(watched)
        .withName(name).get();
    // As operators before this one left it: labelled (every one set the component label too) and
    // owned, but with no controller or blockOwnerDeletion.
    apiServer.client().resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName(name).withNamespace(watched)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "gatehouse-operator",
            "app.kubernetes.io/instance", name, "app.kubernetes.io/component", "auth"))
        .addNewOwnerReference().withApiVersion(owner.getApiVersion()).withKind(owner.getKind())
        .withName(name).withUid(owner.getMetadata().getUid()).endOwnerReference()
        .endMetadata()
        .withNewSpec().withMaxUnavailable(new IntOrString(1)).withNewSelector()
        .withMatchLabels(Map.of("app.kubernetes.io/instance", name)).endSelector().endSpec()
        .build()).create();

    AuditLog.Mark mark = apiServer.auditLog().mark();
    startOperatorAs(serviceAccount, chart, release);

    apiServer.client().policy().v1().podDisruptionBudget().inNamespace(watched).withName(name)
        .waitUntilCondition(pdb -> pdb.getMetadata().getOwnerReferences().stream().anyMatch(ref ->
            Boolean.TRUE.equals(ref.getController()) && Boolean.TRUE.equals(ref.getBlockOwnerDeletion())),
            60, TimeUnit.SECONDS);
    assertFullyReconciled(watched, name);
    assertThat(requestsOf(serviceAccount, mark)).filteredOn(r -> r.code() == 403)
        .as("requests of %s refused", serviceAccount).isEmpty();
  }

  @Test
  void serverSideApplyThatCreatesNeedsCreate() {
    // Why the chart grants create next to patch for the kinds the operator applies: with patch alone
    // an apply that would create the object is refused.
    String namespace = apiServer.namespace();
    apiServer.client().rbac().roles().inNamespace(namespace).resource(new RoleBuilder()
        .withNewMetadata().withName("patch-only").endMetadata()
        .addNewRule().withApiGroups("").withResources("services").withVerbs("patch").endRule()
        .build()).create();
    apiServer.client().rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder()
        .withNewMetadata().withName("patch-only").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "patch-only")
        .addNewSubject().withKind("User").withName("patcher").withApiGroup("rbac.authorization.k8s.io")
        .endSubject().build()).create();
    KubernetesClient patcher = apiServer.impersonatingClient("patcher");
    Service service = new ServiceBuilder().withNewMetadata().withName("applied").withNamespace(namespace)
        .endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build();

    assertThatThrownBy(() -> patcher.resource(service).fieldManager("patcher").serverSideApply())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("cannot create resource \"services\"");
        });
  }

  /** Applies the rendered chart for real, as helm would; returns the ServiceAccount's user name. */
  private static String install(Rendered chart) {
    for (GenericKubernetesResource object : chart.objects()) {
      apiServer.client().resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
    ServiceAccount account = chart.one(ServiceAccount.class);
    return "system:serviceaccount:" + account.getMetadata().getNamespace() + ":"
        + account.getMetadata().getName();
  }

  /**
   * Starts the operator in this JVM the way the chart's Deployment starts it in a pod: its settings
   * from the Deployment's environment (POD_NAMESPACE as the downward API fills it), its identity the
   * chart's ServiceAccount. Returns a client with that identity.
   */
  private KubernetesClient startOperatorAs(String serviceAccount, Rendered chart, String release)
      throws IOException {
    Map<String, String> env = new HashMap<>(ChartTest.env(chart.one(Deployment.class)));
    env.put("POD_NAMESPACE", release);
    env.put("GATEHOUSE_HEALTH_PORT", "0"); // any free port: tests may run side by side
    KubernetesClient client = apiServer.newClient(c -> c.withImpersonateUsername(serviceAccount));
    operators.add(GatehouseOperator.start(client.getConfiguration(),
        OperatorSettings.fromEnvironment(env)));
    return client;
  }

  /** Applies an example, changed by {@code edit}, the way kubectl apply --server-side does. */
  private static String apply(String example, String namespace, Consumer<AuthService> edit) {
    AuthService authService = apiServer.client().resources(AuthService.class)
        .load(EXAMPLES.resolve(example).toFile()).item();
    authService.getMetadata().setNamespace(namespace);
    edit.accept(authService);
    apiServer.client().resource(authService).fieldManager("kubectl").serverSideApply();
    return authService.getMetadata().getName();
  }

  private static void assertFullyReconciled(String namespace, String name) {
    KubernetesClient client = apiServer.client();
    List<Class<? extends HasMetadata>> kinds = List.of(Secret.class, Secret.class, Secret.class,
        Secret.class, ConfigMap.class, StatefulSet.class, Service.class, NetworkPolicy.class,
        Deployment.class, Service.class, PodDisruptionBudget.class);
    List<String> names = List.of(name + "-redis-password", name + "-jwt-es256", name + "-admin-token",
        name + "-redis-users", name + "-redis-config", name + "-redis", name + "-redis", name + "-redis",
        name, name, name);
    for (int i = 0; i < kinds.size(); i++) {
      String child = names.get(i);
      client.resources(kinds.get(i)).inNamespace(namespace).withName(child)
          .waitUntilCondition(o -> o != null, 60, TimeUnit.SECONDS);
    }
    client.resources(AuthService.class).inNamespace(namespace).withName(name)
        .waitUntilCondition(a -> a != null && a.getStatus() != null
            && Long.valueOf(1L).equals(a.getStatus().getObservedGeneration()), 60, TimeUnit.SECONDS);
  }

  private static void assertForbidden(Runnable request) {
    assertThatThrownBy(request::run).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getCode()).isEqualTo(403));
  }

  /**
   * The requests {@code user} made since {@code mark}, from the API server's audit log (a fresh mark
   * first, so that every request answered so far is on disk).
   */
  private static List<Request> requestsOf(String user, AuditLog.Mark mark) {
    AuditLog log = apiServer.auditLog();
    long end = log.mark().offset();
    List<Request> requests = new ArrayList<>();
    try (InputStream in = Files.newInputStream(log.file())) {
      in.skipNBytes(mark.offset());
      String text = new String(in.readNBytes((int) (end - mark.offset())), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = JSON.readTree(line);
        if (user.equals(event.path("impersonatedUser").path("username").asText())) {
          JsonNode ref = event.path("objectRef");
          String resource = ref.path("resource").asText()
              + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "");
          requests.add(new Request(new Permission(ref.path("apiGroup").asText(), resource,
              event.path("verb").asText()), event.path("responseStatus").path("code").asInt(),
              event.path("requestURI").asText(),
              event.path("annotations").path("authorization.k8s.io/decision").asText()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return requests;
  }

  /** Every (group, resource, verb) the rules of these Roles grant, resource names aside. */
  private static Set<Permission> granted(List<Role> roles) {
    Set<Permission> granted = new TreeSet<>();
    for (Role role : roles) {
      for (PolicyRule rule : role.getRules()) {
        for (String group : rule.getApiGroups()) {
          for (String resource : rule.getResources()) {
            for (String verb : rule.getVerbs()) {
              granted.add(new Permission(group, resource, verb));
            }
          }
        }
      }
    }
    return granted;
  }

  record Permission(String group, String resource, String verb) implements Comparable<Permission> {

    /**
     * The verb on each resource, written as {@link #toString} writes them: {@code group/resource},
     * a resource of the core group without a group.
     */
    static List<Permission> each(String verb, String... resources) {
      return Stream.of(resources).map(r -> r.contains("/")
          ? new Permission(r.substring(0, r.indexOf('/')), r.substring(r.indexOf('/') + 1), verb)
          : new Permission("", r, verb)).toList();
    }
    @Override
    public int compareTo(Permission other) {
      return toString().compareTo(other.toString());
    }

    @Override
    public String toString() {
      return (group.isEmpty() ? "" : group + "/") + resource + ":" + verb;
    }
  }

  /** @param decision the authorizer's, "allow" or "forbid" (an audit annotation) */
  record Request(Permission permission, int code, String uri, String decision) {

    boolean deniedByAuthorization() {
      return "forbid".equals(decision);
    }

    @Override
    public String toString() {
      return permission.verb() + " " + uri + " -> " + code;
    }
  }
}
