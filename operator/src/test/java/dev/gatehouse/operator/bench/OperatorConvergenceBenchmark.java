package dev.gatehouse.operator.bench;

import static dev.gatehouse.operator.apiserver.AuditLog.byUserAgent;
import static dev.gatehouse.operator.apiserver.AuditLog.inNamespace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.apiserver.AuditLog;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDRBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How fast the operator converges many AuthServices, how much memory it needs for them and how many
 * writes it makes, measured against a real kube-apiserver with the operator as its own JVM (as in
 * a pod). Not a test of the normal build: its name matches neither the surefire nor the failsafe
 * includes. Run it with operator/bench/converge.sh, which documents the figures it prints.
 *
 * <p>Each run: a fresh namespace and a fresh operator process, ready before the first create;
 * {@value #DEFAULT_COUNT} AuthServices made from examples/minimal.yaml under other names, created
 * by {@value #DEFAULT_CLIENTS} clients in parallel (so that one client's round trips are not the
 * figure); the clock stops when every one has status.observedGeneration 1 and {@value #CHILDREN}
 * objects it owns. Then the operator must go quiet, and its writes are counted in the audit log: up
 * to quiet (convergence), and over the following 60 s (steady state).
 *
 * <p>With a baseline build (gatehouse.bench.baselineClasspath), each round runs both builds, one
 * after the other, the order alternating from round to round, so that both see the same machine.
 */
class OperatorConvergenceBenchmark {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  static final int DEFAULT_COUNT = 200;
  static final int DEFAULT_CLIENTS = 8;
  /**
   * 3 generated Secrets and the Redis users record, the Redis ConfigMap, the auth Deployment,
   * 2 Services, a NetworkPolicy, a PDB (the Redis StatefulSet is not counted).
   */
  static final int CHILDREN = 10;
  private static final List<Class<? extends HasMetadata>> CHILD_KINDS = List.of(Secret.class,
      ConfigMap.class, Deployment.class, Service.class, NetworkPolicy.class, PodDisruptionBudget.class);
  /**
   * What stands in for the pod's container, beside the chart's own environment: the container's
   * memory limit as the memory the JVM sees, and the collector the JVM picks by itself in a
   * container below 1792 MB (outside one it must be told).
   */
  private static final String CONTAINER_JVM_OPTIONS = "-XX:MaxRAM=%d -XX:+UseSerialGC";
  /** 65534 more ClusterIPs, outside the harness's 10.0.0.0/24. */
  private static final String SERVICE_CIDR = "10.96.0.0/16";
  private static final Duration CONVERGENCE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration QUIET = Duration.ofSeconds(5);
  private static final Duration STEADY_STATE = Duration.ofSeconds(60);

  private final int count = Integer.getInteger("gatehouse.bench.count", DEFAULT_COUNT);
  private final int runs = Integer.getInteger("gatehouse.bench.runs", 3);
  private final int clients = Integer.getInteger("gatehouse.bench.clients", DEFAULT_CLIENTS);
  private final Path outputDir = Path.of(required("gatehouse.bench.output"));
  private final KubernetesClient client = apiServer.client();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void installCrdAndWidenTheServiceRange() {
    apiServer.installCrd();
    // kube-api-test starts kube-apiserver with --service-cluster-ip-range 10.0.0.0/24: 253 ClusterIPs,
    // fewer than the 2 Services of each of 200 AuthServices ("failed to allocate a serviceIP: range
    // is full"). A second ServiceCIDR widens it; the API server allocates from it at once, as it
    // counts a ServiceCIDR without conditions as ready (no kube-controller-manager here to set one).
    apiServer.client().resource(new ServiceCIDRBuilder()
            .withNewMetadata().withName("gatehouse-bench").endMetadata()
            .withNewSpec().withCidrs(SERVICE_CIDR).endSpec().build())
        .fieldManager("gatehouse-bench").forceConflicts().serverSideApply();
  }

  @Test
  void convergeManyAuthServices() throws Exception {
    Files.createDirectories(outputDir);
    Path kubeconfig = writeKubeconfig(client.getConfiguration(), outputDir.resolve("kubeconfig"));
    // Untyped, as kubectl sends it: the CRD fills the defaults, not the Java model's initializers.
    String example = Files.readString(Path.of(required("gatehouse.examples.dir"), "minimal.yaml"));

    List<Build> builds = new ArrayList<>();
    builds.add(Build.of("this", required("gatehouse.bench.classpath"),
        Path.of(required("gatehouse.bench.chartDeployment")),
        System.getProperty("gatehouse.bench.jvmOptions", "")));
    String baseline = System.getProperty("gatehouse.bench.baselineClasspath", "");
    if (!baseline.isBlank()) {
      builds.add(Build.of("baseline", baseline,
          Path.of(required("gatehouse.bench.baselineChartDeployment")),
          System.getProperty("gatehouse.bench.baselineJvmOptions", "")));
    }
    builds.forEach(build -> System.out.println("Build " + build.name() + ": " + build.environment()
        + " " + build.jvmOptions()));
    List<Run> results = new ArrayList<>();
    for (int round = 1; round <= runs; round++) {
      // Baseline first in odd rounds, this build first in even ones.
      List<Build> order = new ArrayList<>(builds);
      if (round % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (Build build : order) {
        results.add(measure(results.size() + 1, round, build, example, kubeconfig));
        Files.writeString(outputDir.resolve("results.md"), report(results));
      }
    }
    System.out.println(report(results));
    assertThat(results).hasSize(runs * builds.size());
  }

  private Run measure(int run, int round, Build build, String example, Path kubeconfig)
      throws Exception {
    String namespace = apiServer.createNamespace("bench-run-" + run);
    Process operator = startOperator(build, namespace, kubeconfig,
        outputDir.resolve("operator-run-" + run + ".log"));
    try (Caches caches = new Caches(client, namespace)) {
      AuditLog.Mark beforeCreates = apiServer.auditLog().mark();
      long readyRssKiB = memoryKiB(operator.pid()).get("VmRSS");

      // The machine is shared: what else ran is part of the figure, so the report shows it.
      String loadBefore = loadAverage();
      long start = System.nanoTime();
      createInParallel(namespace, example);
      long created = System.nanoTime();
      caches.awaitConverged(count, start + CONVERGENCE_TIMEOUT.toNanos());
      long converged = System.nanoTime();
      String loadAtConvergence = loadAverage();

      Duration toQuiet = awaitQuiet(namespace);
      List<AuditLog.Entry> convergenceWrites = writesSince(beforeCreates, namespace);
      AuditLog.Mark afterQuiet = apiServer.auditLog().mark();
      Thread.sleep(STEADY_STATE.toMillis());
      List<AuditLog.Entry> steadyWrites = writesSince(afterQuiet, namespace);

      assertThat(operator.isAlive()).as("operator process of run %d", run).isTrue();
      Map<String, Long> memory = memoryKiB(operator.pid());
      return new Run(run, round, build.name(), Duration.ofNanos(created - start),
          Duration.ofNanos(converged - start), toQuiet, convergenceWrites, steadyWrites, readyRssKiB,
          memory.get("VmHWM"), memory.get("VmRSS"), loadBefore + " / " + loadAtConvergence);
    } finally {
      stop(operator);
    }
  }

  /**
   * The AuthServices from {@link #clients} clients at once, each with its own connections, as
   * several kubectl processes or a GitOps tool's workers would send them.
   */
  private void createInParallel(String namespace, String example) throws Exception {
    java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(clients);
    List<KubernetesClient> own = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        KubernetesClient sender = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(client.getConfiguration()).build();
        own.add(sender);
        int first = c;
        done.add(senders.submit(() -> {
          for (int i = first; i < count; i += clients) {
            GenericKubernetesResource resource =
                Serialization.unmarshal(example, GenericKubernetesResource.class);
            resource.getMetadata().setName(String.format(Locale.ROOT, "auth-%03d", i));
            sender.resource(resource).inNamespace(namespace).create();
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      senders.shutdownNow();
      own.forEach(KubernetesClient::close);
    }
  }

  /** The operator as a pod runs it: its own JVM, its main(), the runtime classpath only. */
  private Process startOperator(Build build, String namespace, Path kubeconfig, Path log)
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(build.jvmOptions());
    command.addAll(List.of("-cp", build.classpath(), GatehouseOperator.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(build.environment());
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    builder.environment().put("GATEHOUSE_WATCH_NAMESPACES", namespace);
    builder.environment().put("GATEHOUSE_HEALTH_PORT", Integer.toString(port));
    Process process = builder.start();

    URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      assertThat(process.isAlive()).as("operator process; see %s", log).isTrue();
      assertThat(System.nanoTime()).as("operator /readyz within 120 s; see %s", log).isLessThan(deadline);
      try {
        if (http.send(HttpRequest.newBuilder(readyz).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return process;
        }
      } catch (IOException notListeningYet) {
        // the health server starts with the operator
      }
      Thread.sleep(200);
    }
  }

  private static void stop(Process operator) throws InterruptedException {
    operator.destroy();
    if (!operator.waitFor(30, TimeUnit.SECONDS)) {
      operator.destroyForcibly().waitFor();
    }
  }

  /** Waits until the operator has made no write for {@link #QUIET}; returns how long that took. */
  private Duration awaitQuiet(String namespace) throws InterruptedException {
    long start = System.nanoTime();
    AuditLog.Mark mark = apiServer.auditLog().mark();
    while (true) {
      Thread.sleep(QUIET.toMillis());
      AuditLog.Mark next = apiServer.auditLog().mark();
      if (writesSince(mark, namespace).isEmpty()) {
        return Duration.ofNanos(System.nanoTime() - start).minus(QUIET);
      }
      assertThat(System.nanoTime() - start).as("operator still writing after %s", CONVERGENCE_TIMEOUT)
          .isLessThan(CONVERGENCE_TIMEOUT.toNanos());
      mark = next;
    }
  }

  private List<AuditLog.Entry> writesSince(AuditLog.Mark mark, String namespace) {
    return apiServer.auditLog().writesSince(mark,
        byUserAgent(GatehouseOperator.USER_AGENT).and(inNamespace(namespace)));
  }

  /** The 1-, 5- and 15-minute load averages of the machine, as uptime prints them. */
  private static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static Map<String, Long> memoryKiB(long pid) throws IOException {
    Map<String, Long> values = new HashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      String[] parts = line.split("\\s+");
      if (parts[0].equals("VmHWM:") || parts[0].equals("VmRSS:")) {
        values.put(parts[0].substring(0, parts[0].length() - 1), Long.parseLong(parts[1]));
      }
    }
    return values;
  }

  /** A kubeconfig for the operator process: the test API server, as its admin client reaches it. */
  private static Path writeKubeconfig(Config config, Path file) throws IOException {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
          - name: bench
            cluster: {server: "%s", %s}
        users:
          - name: bench
            user: {%s, %s}
        contexts:
          - name: bench
            context: {cluster: bench, user: bench}
        current-context: bench
        """.formatted(config.getMasterUrl(),
        credential("certificate-authority", config.getCaCertData(), config.getCaCertFile()),
        credential("client-certificate", config.getClientCertData(), config.getClientCertFile()),
        credential("client-key", config.getClientKeyData(), config.getClientKeyFile())));
    return file;
  }

  /**
   * A kubeconfig entry for what fabric8 read from kube-api-test's kubeconfig: a file path, or data as
   * it was in the file (base64, or PEM).
   */
  private static String credential(String field, String data, String file) {
    if (data != null && !data.isBlank()) {
      return field + "-data: " + (data.startsWith("-----")
          ? Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8))
          : data);
    }
    assertThat(file).as("%s of the admin client's configuration", field).isNotBlank();
    return field + ": \"" + file + "\"";
  }

  /** WARN and ERROR lines the operator logged in a run: retries would hide inside the figure. */
  private long problemsLogged(int run) throws IOException {
    try (var lines = Files.lines(outputDir.resolve("operator-run-" + run + ".log"))) {
      return lines.filter(line -> line.matches("^\\d{4}-\\d\\d-\\d\\d .* (WARN|ERROR) .*")).count();
    }
  }

  private String report(List<Run> results) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append("| run | round | build | creates | converged | quiet after | writes | writes/AuthService"
        + " | writes in 60 s steady | RSS at ready | peak RSS (VmHWM) | RSS at end"
        + " | (peak - ready) / AuthService | load 1/5/15 min, start / converged"
        + " | operator WARN/ERROR lines |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run r : results) {
      out.append(String.format(Locale.ROOT,
          "| %d | %d | %s | %.1f s | %.1f s | +%.1f s | %d | %.2f | %d | %d MiB | %d MiB | %d MiB"
              + " | %.0f KiB | %s | %d |%n",
          r.run(), r.round(), r.build(), seconds(r.createPhase()), seconds(r.converged()),
          seconds(r.quietAfter()), r.convergenceWrites().size(),
          (double) r.convergenceWrites().size() / count, r.steadyWrites().size(),
          r.readyRssKiB() / 1024, r.peakRssKiB() / 1024, r.endRssKiB() / 1024,
          (double) (r.peakRssKiB() - r.readyRssKiB()) / count, r.load(), problemsLogged(r.run())));
    }
    for (String build : results.stream().map(Run::build).distinct().toList()) {
      List<Run> ofBuild = results.stream().filter(r -> r.build().equals(build)).toList();
      List<Double> converged = ofBuild.stream().map(r -> seconds(r.converged())).sorted().toList();
      List<Long> peak = ofBuild.stream().map(r -> r.peakRssKiB() / 1024).sorted().toList();
      out.append(String.format(Locale.ROOT, "%nBuild %s: median convergence of %d AuthServices %.1f s,"
              + " median peak RSS %d MiB, over %d runs.%n", build, count,
          converged.get(converged.size() / 2), peak.get(peak.size() / 2), converged.size()));
    }
    for (String build : results.stream().map(Run::build).distinct().toList()) {
      Run last = results.stream().filter(r -> r.build().equals(build)).reduce((x, y) -> y).orElseThrow();
      out.append("\nWrites of run ").append(last.run()).append(" (").append(build)
          .append(") up to quiet, by request:\n");
      byRequest(last.convergenceWrites()).forEach((request, n) -> out.append(String.format(Locale.ROOT,
          "- %s: %d (%.2f per AuthService)%n", request, n, (double) n / count)));
      if (!last.steadyWrites().isEmpty()) {
        out.append("\nWrites of run ").append(last.run()).append(" in the steady 60 s:\n");
        last.steadyWrites().forEach(entry -> out.append("- ").append(entry).append('\n'));
      }
    }
    return out.toString();
  }

  private static Map<String, Long> byRequest(List<AuditLog.Entry> writes) {
    Function<AuditLog.Entry, String> request = e -> e.verb() + " " + e.resource()
        + (e.subresource() == null ? "" : "/" + e.subresource()) + " -> " + e.code();
    return writes.stream().collect(Collectors.groupingBy(request, TreeMap::new, Collectors.counting()));
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static String required(String property) {
    String value = System.getProperty(property);
    assertThat(value).as("system property %s (operator/bench/converge.sh sets it)", property)
        .isNotBlank();
    return value;
  }

  /**
   * One operator build as its chart runs it: the literal environment of the chart's operator
   * container (JAVA_TOOL_OPTIONS and whatever else the chart sets for the JVM), its memory limit
   * ({@link #CONTAINER_JVM_OPTIONS}), then extra flags for an experiment, which win over the chart's.
   */
  record Build(String name, String classpath, Map<String, String> environment,
      List<String> jvmOptions) {

    static Build of(String name, String classpath, Path chartDeployment, String extraJvmOptions)
        throws IOException {
      Deployment deployment = Serialization.unmarshal(Files.readString(chartDeployment),
          Deployment.class);
      var container = deployment.getSpec().getTemplate().getSpec().getContainers().stream()
          .filter(c -> c.getName().equals("operator")).findFirst().orElseThrow();
      Map<String, String> environment = new TreeMap<>();
      container.getEnv().stream()
          .filter(e -> e.getValue() != null && !e.getName().startsWith("GATEHOUSE_"))
          .forEach(e -> environment.put(e.getName(), e.getValue()));
      assertThat(environment).as("the chart's operator environment in %s", chartDeployment)
          .containsKey("JAVA_TOOL_OPTIONS");
      long limit = container.getResources().getLimits().get("memory").getNumericalAmount()
          .longValueExact();
      List<String> options = new ArrayList<>(
          Arrays.asList(CONTAINER_JVM_OPTIONS.formatted(limit).split(" ")));
      if (!extraJvmOptions.isBlank()) {
        options.addAll(Arrays.asList(extraJvmOptions.trim().split("\\s+")));
      }
      return new Build(name, classpath, environment, options);
    }
  }

  record Run(int run, int round, String build, Duration createPhase, Duration converged,
      Duration quietAfter, List<AuditLog.Entry> convergenceWrites, List<AuditLog.Entry> steadyWrites,
      long readyRssKiB, long peakRssKiB, long endRssKiB, String load) {
  }

  /**
   * Watches, from this JVM, the AuthServices and the kinds of their children in one namespace, so
   * that convergence is seen from caches instead of from lists that would load the API server the
   * operator is measured against.
   */
  private static final class Caches implements AutoCloseable {

    private final SharedIndexInformer<AuthService> authServices;
    private final List<SharedIndexInformer<? extends HasMetadata>> children = new ArrayList<>();

    Caches(KubernetesClient client, String namespace) {
      authServices = client.resources(AuthService.class).inNamespace(namespace).inform();
      for (Class<? extends HasMetadata> kind : CHILD_KINDS) {
        children.add(client.resources(kind).inNamespace(namespace).inform());
      }
    }

    void awaitConverged(int count, long deadlineNanos) throws InterruptedException {
      while (!converged(count)) {
        assertThat(System.nanoTime()).as("%d AuthServices converged within %s; %s", count,
            CONVERGENCE_TIMEOUT, progress()).isLessThan(deadlineNanos);
        Thread.sleep(100);
      }
    }

    private boolean converged(int count) {
      List<AuthService> all = authServices.getStore().list();
      if (all.size() < count) {
        return false;
      }
      Map<String, Integer> owned = ownedChildren();
      return all.stream().allMatch(a -> a.getStatus() != null
          && Long.valueOf(1L).equals(a.getStatus().getObservedGeneration())
          && owned.getOrDefault(a.getMetadata().getUid(), 0) == CHILDREN);
    }

    private Map<String, Integer> ownedChildren() {
      Map<String, Integer> owned = new HashMap<>();
      for (SharedIndexInformer<? extends HasMetadata> informer : children) {
        for (HasMetadata child : informer.getStore().list()) {
          for (OwnerReference owner : child.getMetadata().getOwnerReferences()) {
            if ("AuthService".equals(owner.getKind())) {
              owned.merge(owner.getUid(), 1, Integer::sum);
            }
          }
        }
      }
      return owned;
    }

    private String progress() {
      List<AuthService> all = authServices.getStore().list();
      Map<String, Integer> owned = ownedChildren();
      long observed = all.stream().filter(a -> a.getStatus() != null
          && Long.valueOf(1L).equals(a.getStatus().getObservedGeneration())).count();
      long complete = all.stream()
          .filter(a -> owned.getOrDefault(a.getMetadata().getUid(), 0) == CHILDREN).count();
      return all.size() + " seen, " + observed + " with observedGeneration 1, " + complete
          + " with all children";
    }

    @Override
    public void close() {
      authServices.close();
      children.forEach(SharedIndexInformer::close);
    }
  }
}
