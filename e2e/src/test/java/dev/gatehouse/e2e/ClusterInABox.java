package dev.gatehouse.e2e;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.OperatorSettings;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one machine, shared by every e2e class of the JVM: hack/cluster-in-a-box.sh
 * (real control plane, kwok node), the CRD applied with the real kubectl, the operator in this JVM,
 * and a {@link PodRunner} that runs real auth-service and redis-server processes for its pods.
 * Started by the first class that registers it; stopped, every process with it, by a shutdown hook
 * when the JVM exits (at the end of the run, on Ctrl-C or a fork timeout). Not by JUnit's root
 * store: failsafe with several forks runs each class as a test run of its own, whose root store
 * closes after that class.
 */
public final class ClusterInABox implements BeforeAllCallback {

  private static final Logger log = LoggerFactory.getLogger(ClusterInABox.class);
  /** Building binaries is done before (pre-integration-test); this covers a slow, busy machine. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final AtomicInteger namespaces = new AtomicInteger();

  /** What the first class started; the rest reuse it. */
  private static Running running;

  @Override
  public void beforeAll(ExtensionContext context) {
    synchronized (ClusterInABox.class) {
      if (running == null) {
        running = Running.start();
      }
    }
  }

  public KubernetesClient client() {
    return running.client;
  }

  public PodRunner runner() {
    return running.runner;
  }

  /**
   * Runs the real kubectl from the cached binaries against this cluster.
   *
   * @return exit code and combined output
   */
  public KubectlResult kubectl(String... args) {
    return running.kubectl(args);
  }

  public record KubectlResult(int exitCode, String output) {
  }

  /**
   * kubectl as a user who holds only {@code token}: no kubeconfig credentials, which kubectl would
   * send beside it (a client certificate authenticates before any token is looked at).
   */
  public KubectlResult kubectlWithToken(String token, String... args) {
    return running.kubectlWithToken(token, args);
  }

  /**
   * The API server's structured authentication config (hack/cluster-in-a-box.sh). The API server
   * reloads it when it changes; a test that rewrites it restores {@code jwt: []} afterwards.
   */
  public Path authenticationConfig() {
    return running.workDir.resolve("cluster/authentication-config.yaml");
  }

  /** A new namespace whose default ServiceAccount exists (pods are refused until it does). */
  public String newNamespace(String prefix) {
    String name = prefix + "-" + namespaces.incrementAndGet();
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    await("default ServiceAccount of " + name).atMost(Duration.ofSeconds(60))
        .until(() -> client().serviceAccounts().inNamespace(name).withName("default").get() != null);
    return name;
  }

  /**
   * examples/minimal.yaml in {@code namespace} with {@code replicas} auth pods and an OAuth clients
   * Secret holding one client with a fresh random secret; {@code customize} may change the rest.
   */
  public OAuthClient createMinimalAuthService(String namespace, int replicas) {
    return createMinimalAuthService(namespace, replicas, authService -> { });
  }

  public OAuthClient createMinimalAuthService(String namespace, int replicas, Consumer<AuthService> customize) {
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
    OAuthClient oauthClient = new OAuthClient("e2e-client", secret);
    String clientsYaml = ClientsFile.withClient(oauthClient.id(), secret);
    client().secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName("e2e-clients").endMetadata()
        .withStringData(Map.of("clients.yaml", clientsYaml))
        .build()).create();
    AuthService authService = client().resources(AuthService.class)
        .load(running.repoDir.resolve("examples/minimal.yaml").toFile()).item();
    authService.getMetadata().setNamespace(namespace);
    authService.getSpec().setReplicas(replicas);
    authService.getSpec().setClientsSecretRef(new SecretReference("e2e-clients"));
    customize.accept(authService);
    client().resource(authService).create();
    return oauthClient;
  }

  public AuthService authService(String namespace, String name) {
    return client().resources(AuthService.class).inNamespace(namespace).withName(name).get();
  }

  /** The auth pods that exist now (not terminating), each with the process the runner started for it. */
  public List<RunningPod> runningAuthPods(String namespace) {
    return runningPods(namespace, Component.AUTH);
  }

  public RunningPod runningRedisPod(String namespace) {
    List<RunningPod> pods = runningPods(namespace, Component.REDIS);
    if (pods.size() != 1) {
      throw new AssertionError("expected one Redis pod in " + namespace + ", found " + pods.size());
    }
    return pods.get(0);
  }

  private List<RunningPod> runningPods(String namespace, Component component) {
    return client().pods().inNamespace(namespace)
        .withLabel(AuthServiceResources.COMPONENT_LABEL, component.label()).list().getItems().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> runner().pod(namespace, p.getMetadata().getName())
            .filter(r -> r.uid().equals(p.getMetadata().getUid()))
            .orElseThrow(() -> new AssertionError("no process for pod " + p.getMetadata().getName())))
        .toList();
  }

  /** An OAuth client registered in the clients Secret: its id and plain secret. */
  public record OAuthClient(String id, String secret) {
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** The started processes and clients; closed once. */
  private static final class Running {
    private final Path repoDir;
    private final Path workDir;
    private final Path kubeconfig;
    private Process cluster;
    private Path binDir;
    private KubernetesClient client;
    private GatehouseOperator operator;
    private PodRunner runner;
    private boolean closed;

    private Running(Path repoDir, Path workDir) {
      this.repoDir = repoDir;
      this.workDir = workDir;
      this.kubeconfig = workDir.resolve("cluster/kubeconfig");
    }

    static Running start() {
      Path repoDir = Path.of(requiredProperty("gatehouse.repo.dir"));
      Path authJar = Path.of(requiredProperty("gatehouse.auth.jar"));
      long started = System.nanoTime();
      // Under target/: the logs of every component and pod process stay for a failed run to be read,
      // and `mvn clean` removes them. Materialised Secrets are deleted when their pod stops.
      Path workDir = Path.of(requiredProperty("gatehouse.e2e.work.dir"));
      Running running = new Running(repoDir, workDir);
      Runtime.getRuntime().addShutdownHook(new Thread(running::close, "stop-cluster-in-a-box"));
      try {
        // A second try: a free port that the script picked can be taken by someone else before its
        // component binds it (the script then stops everything and exits).
        for (int attempt = 1; running.binDir == null; attempt++) {
          running.cluster = startScript(repoDir, workDir);
          try {
            running.binDir = awaitReady(running.cluster, workDir);
          } catch (IllegalStateException e) {
            running.stopCluster();
            if (attempt == 2) {
              throw e;
            }
            log.warn("{}; trying once more", e.getMessage());
          }
        }
        running.startEverythingElse(authJar);
      } catch (RuntimeException e) {
        running.close();
        throw e;
      }
      log.info("Cluster in a box, operator and pod runner ready in {} ms; work dir {}",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), workDir);
      return running;
    }

    private static Process startScript(Path repoDir, Path workDir) {
      try {
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        return new ProcessBuilder("bash", repoDir.resolve("hack/cluster-in-a-box.sh").toString(),
            workDir.resolve("cluster").toString())
            .redirectError(workDir.resolve("cluster-in-a-box.log").toFile())
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Reads the script's stdout until "cluster ready"; then reads the kube binaries' dir it wrote. */
    private static Path awaitReady(Process cluster, Path workDir) {
      CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(cluster.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = out.readLine()) != null) {
            if (line.equals("cluster ready")) {
              return true;
            }
          }
          return false;
        } catch (IOException e) {
          return false;
        }
      });
      boolean ok;
      try {
        ok = ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (Exception e) {
        ok = false;
      }
      if (!ok) {
        throw new IllegalStateException("hack/cluster-in-a-box.sh did not become ready; its log: "
            + workDir.resolve("cluster-in-a-box.log") + ", component logs: " + workDir.resolve("cluster/logs"));
      }
      try {
        return Path.of(Files.readString(workDir.resolve("cluster/bin-dir")).trim());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void startEverythingElse(Path authJar) {
      Config config = Config.fromKubeconfig(null, readString(kubeconfig), kubeconfig.toString());
      client = new KubernetesClientBuilder().withConfig(config).build();
      // The CRD goes in as a user installs it: the committed file, applied by the real kubectl.
      KubectlResult crd = kubectl("apply", "--server-side", "-f", repoDir.resolve("crds").toString());
      KubectlResult established = kubectl("wait", "--for=condition=Established",
          "crd/authservices.gatehouse.dev", "--timeout=60s");
      if (crd.exitCode() != 0 || established.exitCode() != 0) {
        throw new IllegalStateException("installing the CRD failed: " + crd.output() + established.output());
      }
      try {
        // Health port 0: any free port, so a developer's own operator on 8081 does not clash.
        operator = GatehouseOperator.start(config, new OperatorSettings(Set.of(), false, null, 0));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      runner = PodRunner.start(client, authJar, workDir.resolve("pods"));
    }

    KubectlResult kubectl(String... args) {
      return run(List.of("--kubeconfig", kubeconfig.toString()), args);
    }

    KubectlResult kubectlWithToken(String token, String... args) {
      Path empty = workDir.resolve("cluster/no-credentials.kubeconfig");
      try {
        Files.writeString(empty, "apiVersion: v1\nkind: Config\n");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return run(List.of("--kubeconfig", empty.toString(), "--server", client.getConfiguration().getMasterUrl(),
          "--certificate-authority", workDir.resolve("cluster/pki/ca.crt").toString(), "--token", token), args);
    }

    private KubectlResult run(List<String> connection, String... args) {
      List<String> command = new ArrayList<>(List.of(binDir.resolve("kubectl").toString()));
      command.addAll(connection);
      command.addAll(List.of(args));
      try {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return new KubectlResult(process.exitValue(), output);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Idempotent: a failed start closes what it started, and then the shutdown hook runs too. */
    synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (runner != null) {
        runner.close();
      }
      if (operator != null) {
        operator.close();
      }
      if (client != null) {
        client.close();
      }
      stopCluster();
    }

    /** SIGTERM: the script's trap stops every component it started. */
    void stopCluster() {
      if (cluster == null) {
        return;
      }
      cluster.destroy();
      try {
        if (!cluster.waitFor(60, TimeUnit.SECONDS)) {
          cluster.descendants().forEach(ProcessHandle::destroyForcibly);
          cluster.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set; run the e2e tests through"
          + " ./mvnw verify (failsafe sets it)");
    }
    return value;
  }
}
