package dev.gatehouse.operator.apiserver;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfig;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubeapitest.Utils;
import io.fabric8.kubeapitest.binary.OSInfo;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real etcd + kube-apiserver, started by fabric8 kube-api-test from binaries laid out by
 * hack/kube-binaries.sh (never downloaded), with an audit log of every request.
 */
final class RealApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RealApiServer.class);

  static final String VERSION_PROPERTY = "gatehouse.kube.version";
  static final String CRD_PROPERTY = "gatehouse.crd.generated";
  private static final List<String> BINARIES = List.of("etcd", "kube-apiserver", "kubectl");
  /** kube-api-test's default is 60 s; a busy 2-core machine building Go and Java needs more. */
  private static final int STARTUP_TIMEOUT_MILLIS = 180_000;
  private static final String FIELD_MANAGER = "gatehouse-tests";
  private static final int START_ATTEMPTS = 3;
  /** What kube-api-test's CertManager writes into its directory. */
  private static final List<String> CERTIFICATES =
      List.of("apiserver.crt", "apiserver.key", "client.crt", "client.key");

  // Metadata (who, what, response code) for every request; no bodies. RequestReceived is left out: it
  // would double the log, and AuditLog reads only the ResponseComplete events.
  private static final String AUDIT_POLICY = """
      apiVersion: audit.k8s.io/v1
      kind: Policy
      omitStages: ["RequestReceived"]
      rules:
        - level: Metadata
      """;

  /** The JVM's server, once started. */
  private static RealApiServer shared;

  private final KubeAPIServer server;
  private final Path workDir;
  private final Path kubectl;
  private final Path kubeconfig;
  private final Config adminConfig;
  private final KubernetesClient admin;
  private final AuditLog auditLog;
  private boolean closed;

  private RealApiServer(KubeAPIServer server, Path workDir, Path binaries, Config adminConfig,
      Path auditLogFile) {
    this.server = server;
    this.kubectl = binaries.resolve("kubectl");
    this.kubeconfig = workDir.resolve("kubeconfig");
    write(kubeconfig, server.getKubeConfigYaml());
    this.workDir = workDir;
    this.adminConfig = adminConfig;
    this.admin = new KubernetesClientBuilder().withConfig(adminConfig).build();
    this.auditLog = new AuditLog(auditLogFile, admin);
  }

  /**
   * The JVM's one server, started on first use and stopped by a shutdown hook when the JVM exits.
   * Not in JUnit's root store: failsafe with several forks runs each class as a test run of its
   * own, whose root store closes after that class.
   */
  static synchronized RealApiServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /**
   * kube-api-test picks free ports and then starts the processes, so on a busy machine another
   * process can take a port in between ("bind: address already in use"). Such a start fails fast
   * (see FailFastKubeAPIServer) and is retried on fresh ports; anything else fails at once.
   */
  static RealApiServer start() {
    String version = requiredProperty(VERSION_PROPERTY);
    for (int attempt = 1; ; attempt++) {
      Path workDir = createTempDirectory();
      try {
        return start(version, workDir);
      } catch (ProcessExitedDuringStartup e) {
        deleteRecursively(workDir);
        if (attempt == START_ATTEMPTS) {
          throw e;
        }
        log.warn("kube-apiserver start {} of {} failed, retrying: {}", attempt, START_ATTEMPTS,
            e.getMessage());
      } catch (RuntimeException e) {
        deleteRecursively(workDir);
        throw e;
      }
    }
  }

  private static RealApiServer start(String version, Path workDir) {
    Path policy = workDir.resolve("audit-policy.yaml");
    Path auditLogFile = workDir.resolve("audit.log");
    write(policy, AUDIT_POLICY);

    KubeAPIServerConfig config = KubeAPIServerConfigBuilder.anAPIServerConfig()
        .withApiServerVersion(version)
        // In code, not KUBE_API_TEST_OFFLINE_MODE: that env var throws ClassCastException in 7.5.2.
        .withOfflineMode(true)
        .withStartupTimeout(STARTUP_TIMEOUT_MILLIS)
        .withApiServerFlag("--audit-policy-file", policy.toString())
        .withApiServerFlag("--audit-log-path", auditLogFile.toString())
        // The default, said explicitly: in batch mode events wait in a buffer for seconds, and every
        // AuditLog barrier would wait that out too.
        .withApiServerFlag("--audit-log-mode", "blocking")
        // Rotation (default at 100 MB) would invalidate AuditLog's byte offsets in a long run.
        .withApiServerFlag("--audit-log-maxsize", "10000")
        // As OpenShift has it: setting blockOwnerDeletion needs update on the owner's finalizers,
        // and changing an object's owner references needs delete on it. Tests that run the
        // operator as the chart's ServiceAccount then prove the chart grants both.
        .withApiServerFlag("--enable-admission-plugins", "OwnerReferencesPermissionEnforcement")
        .build();
    Path binaries = requireBinaries(config, version);

    FailFastKubeAPIServer server = new FailFastKubeAPIServer(config);
    long started = System.nanoTime();
    try {
      startWithCertificates(server, Path.of(config.getKubeAPITestDir()));
    } catch (RuntimeException e) {
      if (server.exitReport().isEmpty()) {
        stopAfterFailedStart(server, e);
      } // else kube-api-test has already stopped everything, and a second stop() only throws
      String message = "kube-apiserver " + version + " did not start" + server.exitReport()
          + "; its output is logged at DEBUG by"
          + " io.fabric8.kubeapitest.process.KubeAPIServerProcess.APIServerProcessLogs";
      throw server.exitReport().isEmpty()
          ? new IllegalStateException(message, e)
          : new ProcessExitedDuringStartup(message, e);
    }
    log.info("kube-apiserver {} ready in {} ms; audit log {}", version,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), auditLogFile);
    RealApiServer realApiServer =
        new RealApiServer(server, workDir, binaries, Config.fromKubeconfig(server.getKubeConfigYaml()),
            auditLogFile);
    // The processes outlive the JVM unless stopped: this hook stops them when the JVM exits, at the
    // end of a run as on Ctrl-C or a failsafe fork timeout.
    Runtime.getRuntime().addShutdownHook(new Thread(realApiServer::close, "stop-kube-apiserver"));
    return realApiServer;
  }

  /**
   * kube-api-test writes its certificates into its directory on the first start of a machine,
   * guarded by a lock of its own JVM only; failsafe's forks start at once and would write them over
   * each other. While they are missing, a start holds a file lock beside them.
   */
  private static void startWithCertificates(KubeAPIServer server, Path kubeApiTestDir) {
    if (CERTIFICATES.stream().allMatch(file -> Files.isRegularFile(kubeApiTestDir.resolve(file)))) {
      server.start();
      return;
    }
    try {
      Files.createDirectories(kubeApiTestDir);
      try (FileChannel channel = FileChannel.open(kubeApiTestDir.resolve("gatehouse-certificates.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        server.start();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Authenticated as kube-api-test's client certificate, group system:masters. */
  KubernetesClient admin() {
    return admin;
  }

  /** A new client (the caller closes it) from the admin configuration changed by {@code customizer}. */
  KubernetesClient newClient(UnaryOperator<ConfigBuilder> customizer) {
    Config config = customizer.apply(new ConfigBuilder(adminConfig)).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  AuditLog auditLog() {
    return auditLog;
  }

  /** Creates or updates the CRD the build generated and waits until the API server serves it. */
  CustomResourceDefinition installCrd() {
    Path file = Path.of(requiredProperty(CRD_PROPERTY));
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no generated CRD at " + file + "; crd-generator-maven-plugin writes"
          + " it in process-classes: run ./mvnw -pl operator -am verify");
    }
    var crds = admin.apiextensions().v1().customResourceDefinitions();
    CustomResourceDefinition crd = crds.load(file.toFile()).item();
    admin.resource(crd).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    return crds.withName(crd.getMetadata().getName())
        .waitUntilCondition(RealApiServer::isEstablished, 60, TimeUnit.SECONDS);
  }

  private static boolean isEstablished(CustomResourceDefinition crd) {
    // Conditions are null for a moment after the CRD is applied.
    return crd != null && crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
        .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      admin.close();
      // Throws if a process died during the run (kube-api-test has then stopped and cleaned up once).
      server.stop();
    } finally {
      deleteRecursively(workDir);
    }
  }

  /** Runs the real kubectl against this server as the admin user: its output (stdout and stderr). */
  String kubectl(String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(),
        "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    try {
      // One stream: reading two pipes one after the other can deadlock on a full buffer.
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Path requireBinaries(KubeAPIServerConfig config, String version) {
    Path dir = Path.of(config.getKubeAPITestDir(), "k8s", version + Utils.platformSuffix(new OSInfo()));
    List<String> missing = BINARIES.stream().filter(b -> !Files.isExecutable(dir.resolve(b))).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("Kubernetes " + version + " binaries " + missing + " are missing in "
          + dir + ". Build them (offline, from Go modules, cached) with: K8S_VERSION=" + version
          + " hack/kube-binaries.sh  (./mvnw verify runs it before the integration tests)");
    }
    return dir;
  }

  /**
   * Kills what did start. kube-api-test's stop() throws a NullPointerException when etcd never
   * started; kept as a suppressed exception so that it does not hide the cause.
   */
  private static void stopAfterFailedStart(KubeAPIServer server, RuntimeException cause) {
    try {
      server.stop();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * kube-api-test polls for readiness until its timeout even after kube-apiserver or etcd has exited
   * (a bad flag cost the full 3 minutes). It does tell its handler of the exit: this one interrupts the
   * starting thread, which makes the poll give up at once.
   */
  private static final class FailFastKubeAPIServer extends KubeAPIServer {

    private Thread startingThread;
    private String exitReport = "";

    FailFastKubeAPIServer(KubeAPIServerConfig config) {
      super(config);
    }

    @Override
    public void start() {
      synchronized (this) {
        startingThread = Thread.currentThread();
      }
      try {
        super.start();
      } finally {
        synchronized (this) {
          startingThread = null;
        }
        // The interrupt was for the poll only; it must not leak into the test.
        Thread.interrupted();
      }
    }

    @Override
    public void processStopped(Process process) {
      try {
        super.processStopped(process);
      } finally {
        synchronized (this) {
          if (startingThread != null) {
            exitReport = ": kube-apiserver or etcd exited with code " + process.exitValue()
                + " during start-up";
            startingThread.interrupt();
          }
        }
      }
    }

    synchronized String exitReport() {
      return exitReport;
    }
  }

  /** kube-apiserver or etcd exited while starting: worth another try on other ports. */
  private static final class ProcessExitedDuringStartup extends IllegalStateException {
    ProcessExitedDuringStartup(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set; maven-failsafe-plugin"
          + " sets it from operator/pom.xml: run the test through ./mvnw -pl operator -am verify,"
          + " or pass -D" + name + "=... in the IDE");
    }
    return value;
  }

  private static Path createTempDirectory() {
    try {
      return Files.createTempDirectory("gatehouse-apiserver-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
