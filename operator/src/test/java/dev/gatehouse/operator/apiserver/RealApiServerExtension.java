package dev.gatehouse.operator.apiserver;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a real kube-apiserver (with etcd) and a fresh namespace per test.
 *
 * <p>Register it in a static field, {@code @RegisterExtension static final RealApiServerExtension
 * apiServer = new RealApiServerExtension();}. One API server serves every test class of the JVM: it
 * starts with the first class that asks for it and stops when the test run ends. So classes share
 * cluster-scoped state (CRDs, ClusterRoles) and must keep namespaced objects in their own namespaces.
 * Failsafe runs several JVMs at once ({@code forkCount} in operator/pom.xml), each with a server of
 * its own: which classes share one is not fixed.
 *
 * <p>There is no kube-controller-manager: a deleted namespace stays Terminating with its objects in it,
 * nothing garbage-collects by owner reference, and no Pod ever runs. Scope an operator under test to
 * the namespaces of its test, or it will reconcile what earlier classes left behind.
 *
 * <p>Not for parallel test execution: {@link #namespace()} is the namespace of the running test.
 */
public final class RealApiServerExtension implements BeforeAllCallback, BeforeEachCallback,
    AfterAllCallback {

  private static final int MAX_NAMESPACE_PREFIX = 50;

  private RealApiServer server;
  private String testNamespace;
  private final List<String> namespaces = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @Override
  public void beforeAll(ExtensionContext context) {
    server = RealApiServer.shared();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    testNamespace = createNamespace(
        context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    clients.forEach(KubernetesClient::close);
    clients.clear();
    // Marks them Terminating (no controller empties them), which at least refuses new objects in them.
    namespaces.forEach(name -> server.admin().namespaces().withName(name).delete());
    namespaces.clear();
  }

  /** A client in group system:masters: bypasses RBAC. Owned by the extension; do not close it. */
  public KubernetesClient client() {
    return server().admin();
  }

  /**
   * An admin client that sends this User-Agent, so that {@link AuditLog#byUserAgent} can tell its
   * requests apart (the operator under test uses {@code gatehouse-operator}). Closed after the class.
   */
  public KubernetesClient clientWithUserAgent(String userAgent) {
    return newClient(config -> config.withUserAgent(userAgent));
  }

  /**
   * A client acting as {@code username} in {@code groups} (plus system:authenticated, which the API
   * server adds), so that RBAC applies. For a ServiceAccount pass
   * {@code system:serviceaccount:<namespace>:<name>} and no groups: the API server then adds the
   * ServiceAccount groups itself. Closed after the class.
   */
  public KubernetesClient impersonatingClient(String username, String... groups) {
    return newClient(config -> config.withImpersonateUsername(username).withImpersonateGroups(groups));
  }

  /**
   * The general form of the two above, e.g. the operator's User-Agent and its ServiceAccount at once:
   * {@code newClient(c -> c.withUserAgent("gatehouse-operator").withImpersonateUsername(sa))}.
   * Closed after the class.
   */
  public KubernetesClient newClient(UnaryOperator<ConfigBuilder> customizer) {
    KubernetesClient client = server().newClient(customizer);
    clients.add(client);
    return client;
  }

  /** The namespace made for the running test (empty, unique in the run), deleted after the class. */
  public String namespace() {
    if (testNamespace == null) {
      throw new IllegalStateException("no test is running: the per-test namespace exists from"
          + " @BeforeEach on; in @BeforeAll use createNamespace(prefix)");
    }
    return testNamespace;
  }

  /**
   * Creates a namespace named {@code prefix} (made DNS-safe, shortened) plus a random suffix, e.g. for
   * an operator started once per class in {@code @BeforeAll}. Deleted after the class.
   */
  public String createNamespace(String prefix) {
    String name = dnsLabel(prefix) + "-" + UUID.randomUUID().toString().substring(0, 6);
    server().admin().namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    namespaces.add(name);
    return name;
  }

  /**
   * Creates or updates the CRD generated by the build (system property {@code gatehouse.crd.generated})
   * and waits until it is Established. Safe to call from every class.
   */
  public CustomResourceDefinition installCrd() {
    return server().installCrd();
  }

  /** Runs the real kubectl (the one built with the API server) as admin; returns its output. */
  public String kubectl(String... args) {
    return server().kubectl(args);
  }

  public AuditLog auditLog() {
    return server().auditLog();
  }

  private RealApiServer server() {
    if (server == null) {
      throw new IllegalStateException(
          "RealApiServerExtension has not started: register it in a static @RegisterExtension field");
    }
    return server;
  }

  private static String dnsLabel(String text) {
    String label = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    if (label.length() > MAX_NAMESPACE_PREFIX) {
      label = label.substring(0, MAX_NAMESPACE_PREFIX);
    }
    label = label.replaceAll("^-+|-+$", "");
    return label.isEmpty() ? "test" : label;
  }
}
