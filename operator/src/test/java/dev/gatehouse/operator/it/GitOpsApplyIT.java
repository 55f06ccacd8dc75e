package dev.gatehouse.operator.it;

import static dev.gatehouse.operator.apiserver.AuditLog.byUserAgent;
import static dev.gatehouse.operator.apiserver.AuditLog.inNamespace;
import static dev.gatehouse.operator.support.Eventually.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.apiserver.AuditLog;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GitOps both ways, with the real kubectl: every example survives the move from client-side
 * {@code kubectl apply} to server-side apply (what Flux, and Argo CD with ServerSideApply=true, do
 * on their first sync of an object a person created) and back, without an error or a warning, and
 * a repeated apply is a no-op. With the operator running, none of it makes the operator write.
 */
class GitOpsApplyIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final Path EXAMPLES = Path.of(System.getProperty("gatehouse.examples.dir"));
  /** What Flux's Kustomization and Argo CD's Application apply: a kustomization, with -k. */
  private static final String GITOPS = "gitops/auth";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /**
   * kubectl says this of any object, of any kind, that server-side apply created when client-side
   * apply first meets it, and adds the annotation it names; nothing is wrong with the object.
   */
  private static final String NO_LAST_APPLIED_YET = "is missing the"
      + " kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl"
      + " apply. kubectl apply should only be used on resources created declaratively by either"
      + " kubectl create --save-config or kubectl apply. The missing annotation will be patched"
      + " automatically.";

  @TempDir
  static Path overlays;

  @BeforeAll
  static void installCrd() {
    apiServer.installCrd();
  }

  static Stream<String> examples() {
    return Stream.of("minimal.yaml", "ephemeral-redis.yaml", "redis-storage.yaml", "managed-ha.yaml",
        "production.yaml", "external-sentinel.yaml", GITOPS);
  }

  /** A new example with an AuthService in it cannot be left out of this test. */
  @Test
  void everyAuthServiceInTheExamplesIsCovered() throws IOException {
    List<String> covered = examples().toList();
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      List<String> withAnAuthService = files.filter(Files::isRegularFile)
          .filter(file -> read(file).contains("kind: AuthService"))
          .map(file -> EXAMPLES.relativize(file).toString())
          .toList();
      assertThat(withAnAuthService).isNotEmpty().allSatisfy(example -> assertThat(
          covered.stream().anyMatch(c -> example.equals(c) || example.startsWith(c + "/")))
          .as("%s is applied by this test", example).isTrue());
    }
  }

  @ParameterizedTest(name = "{0}: client-side, then server-side twice")
  @MethodSource("examples")
  void clientSideThenServerSide(String example) {
    Applied applied = new Applied(example);
    withOperatorAfter(applied, applied::clientSide, () -> {
      assertClean(applied.serverSide());
      String migrated = applied.resourceVersion();
      assertClean(applied.serverSide());
      assertThat(applied.resourceVersion()).as("the second server-side apply changes nothing")
          .isEqualTo(migrated);
    });
  }

  @ParameterizedTest(name = "{0}: server-side, then client-side twice")
  @MethodSource("examples")
  void serverSideThenClientSide(String example) {
    Applied applied = new Applied(example);
    withOperatorAfter(applied, applied::serverSide, () -> {
      assertClean(applied.clientSide().replaceAll(
          "(?m)^Warning: resource \\S+ " + Pattern.quote(NO_LAST_APPLIED_YET) + "\\R?", ""));
      String annotated = applied.resourceVersion();
      assertThat(assertClean(applied.clientSide())).contains("unchanged");
      assertThat(applied.resourceVersion()).as("the second client-side apply changes nothing")
          .isEqualTo(annotated);
    });
  }

  /**
   * The README's manifest before redis.mode, still in many a Git repository: its empty
   * {@code managed: {}} was what server-side apply turned into null after the migration.
   */
  @Test
  void theManifestOfTheFormerReadmeMovesToServerSideApplyToo() {
    Path former = overlays.resolve("former-readme.yaml");
    write(former, """
        apiVersion: gatehouse.dev/v1alpha1
        kind: AuthService
        metadata:
          name: auth
        spec:
          redis:
            managed: {}
          jwt:
            issuer: https://auth.example.com
            audiences: ["api.example.com"]
        """);
    Applied applied = new Applied(apiServer.namespace(), List.of("-f", former.toString()));
    withOperatorAfter(applied, applied::clientSide, () -> {
      assertClean(applied.serverSide());
      String migrated = applied.resourceVersion();
      assertClean(applied.serverSide());
      assertThat(applied.resourceVersion()).isEqualTo(migrated);
      assertThat(applied.authService().getSpec().getRedis().getManaged().getStorage().getSize())
          .isEqualTo("1Gi");
    });
  }

  /**
   * With an operator watching the example's namespace: the first apply, clean, until the operator
   * converged on it; then the applies under test, after which the operator must have written
   * nothing since it converged.
   */
  private static void withOperatorAfter(Applied applied, Supplier<String> firstApply,
      Runnable applies) {
    try (GatehouseOperator operator = InProcessOperator.watching(apiServer, applied.namespace)) {
      assertClean(firstApply.get());
      AuditLog.Mark converged = awaitConverged(applied);

      applies.run();

      assertNoOperatorWriteSince(converged, applied);
    } finally {
      applied.close();
    }
  }

  /**
   * One example applied with the real kubectl: a file into the test's namespace, the GitOps
   * kustomization through an overlay that moves it into a namespace of its own (it names one,
   * {@code auth}, which test classes sharing the API server must not collide on).
   */
  private static final class Applied implements AutoCloseable {

    final String namespace;
    private final List<String> source;
    private final boolean ownNamespace;

    /** A manifest file, into the test's namespace. */
    Applied(String namespace, List<String> fileArguments) {
      this.namespace = namespace;
      this.ownNamespace = false;
      this.source = Stream.concat(Stream.of("-n", namespace), fileArguments.stream()).toList();
    }

    Applied(String example) {
      if (example.equals(GITOPS)) {
        namespace = "gitops-" + UUID.randomUUID().toString().substring(0, 8);
        ownNamespace = true;
        Path overlay = overlays.resolve(namespace);
        write(overlay.resolve("kustomization.yaml"), """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: %s
            resources:
              - %s
            """.formatted(namespace, // kustomize takes only a relative path
                overlay.toAbsolutePath().relativize(EXAMPLES.resolve(GITOPS).toAbsolutePath())));
        source = List.of("-k", overlay.toString());
      } else {
        namespace = apiServer.namespace();
        ownNamespace = false;
        source = List.of("-n", namespace, "-f", EXAMPLES.resolve(example).toString());
      }
      if (example.equals("production.yaml")) {
        createProductionSecrets(namespace);
      }
    }

    String clientSide() {
      return kubectl("apply");
    }

    String serverSide() {
      return kubectl("apply", "--server-side");
    }

    private String kubectl(String... command) {
      return apiServer.kubectl(Stream.concat(Stream.of(command), source.stream())
          .toArray(String[]::new));
    }

    AuthService authService() {
      List<AuthService> items = apiServer.client().resources(AuthService.class)
          .inNamespace(namespace).list().getItems();
      assertThat(items).hasSize(1);
      return items.get(0);
    }

    String resourceVersion() {
      return authService().getMetadata().getResourceVersion();
    }

    @Override
    public void close() {
      if (ownNamespace) {
        // Stays Terminating (no controller empties it), which at least refuses new objects in it.
        apiServer.client().namespaces().withName(namespace).delete();
      }
    }
  }

  /** The two Secrets production.yaml says to create first, so that it can converge to Ready. */
  private static void createProductionSecrets(String namespace) {
    apiServer.client().secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("redis-credentials").endMetadata()
        .withStringData(Map.of("password", "an-external-password")).build()).create();
    apiServer.client().secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("auth-prod-clients").endMetadata()
        .withStringData(Map.of("clients.yaml", """
            clients:
              - id: storefront
                secret-hash: "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"
                grant-types: [client_credentials]
                scopes: [orders.read]
            """)).build()).create();
  }

  /** The output, after asserting that kubectl neither warned nor reported an error. */
  private static String assertClean(String kubectlOutput) {
    assertThat(kubectlOutput).doesNotContainIgnoringCase("warning")
        .doesNotContainIgnoringCase("error");
    return kubectlOutput;
  }

  /**
   * Waits until the operator has observed the AuthService's generation and then made no write for
   * two seconds; returns a mark from which any write of the operator's counts.
   */
  private static AuditLog.Mark awaitConverged(Applied applied) {
    apiServer.client().resources(AuthService.class).inNamespace(applied.namespace)
        .withName(applied.authService().getMetadata().getName())
        .waitUntilCondition(a -> a != null && a.getStatus() != null
                && a.getMetadata().getGeneration().equals(a.getStatus().getObservedGeneration()),
            TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      AuditLog.Mark mark = apiServer.auditLog().mark();
      sleep(Duration.ofSeconds(2));
      if (operatorWritesSince(mark, applied).isEmpty()) {
        return mark;
      }
    }
    throw new AssertionError("the operator kept writing for " + TIMEOUT);
  }

  /**
   * The applies changed the AuthService's managed fields and annotations (resourceVersion), so the
   * operator reconciled it again; given the time to, it must still have written nothing.
   */
  private static void assertNoOperatorWriteSince(AuditLog.Mark converged, Applied applied) {
    sleep(Duration.ofSeconds(3));
    assertThat(operatorWritesSince(converged, applied)).as("writes of the operator").isEmpty();
  }

  private static List<AuditLog.Entry> operatorWritesSince(AuditLog.Mark mark, Applied applied) {
    return apiServer.auditLog().writesSince(mark,
        byUserAgent(GatehouseOperator.USER_AGENT).and(inNamespace(applied.namespace)));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
