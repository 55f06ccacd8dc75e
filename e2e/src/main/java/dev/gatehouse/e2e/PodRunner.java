package dev.gatehouse.e2e;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container runtime of the cluster in a box. kwok makes the operator's pods Running, with a
 * loopback pod IP, but runs nothing; for each such pod this starts the real program at that IP, the
 * way a kubelet would, and {@link ReadinessProber} runs the pod's readiness probe against it: the auth pods run {@code java -jar auth-service.jar} on port 8080
 * with the container's environment, the managed Redis pod runs Debian's {@code redis-server} with
 * the pod's own redis.conf and password file. Mounted Secrets and ConfigMaps are written to a
 * private directory and the paths that name them are mapped there; a PersistentVolumeClaim is the
 * directory its {@link VolumeProvisioner} volume has, kept across pods. A process stops when its pod
 * is deleted (the container's preStop sleep, SIGTERM, SIGKILL at the end of the pod's grace
 * period); a replacement pod (new UID) gets a new
 * process once the old one has exited, if it has the old one's IP, name or claim. Services are
 * reached through {@link ServiceProxy}, the stand-in for kube-proxy.
 *
 * <p>What is simulated, and why, is in docs/cluster-in-a-box.md.
 */
public final class PodRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PodRunner.class);

  /**
   * Where kube-proxy's stand-ins listen: 127.R.255.N, in the cluster's own loopback range 127.R.0.0/16
   * (hack/cluster-in-a-box.sh gives kwok only its lower half, 127.R.0.0/17, for pods).
   */
  private static final String SERVICE_ADDRESS_THIRD_OCTET = "255";
  private static final long RETRY_SECONDS = 2;
  /** The kubelet's default {@code terminationGracePeriodSeconds}, for a pod that declares none. */
  private static final long DEFAULT_GRACE_SECONDS = 30;
  /**
   * The kubelet's minimum time between SIGTERM and SIGKILL when a preStop hook used up the grace
   * period (kuberuntime's minimumGracePeriodInSeconds).
   */
  private static final long MINIMUM_GRACE_AFTER_PRE_STOP_SECONDS = 2;
  /** After SIGKILL: how long to wait for the exit before giving up on the process. */
  private static final long KILL_WAIT_SECONDS = 5;
  /** {@code <service>.<namespace>.svc[.cluster.local]}: the names cluster DNS would resolve. */
  private static final Pattern SERVICE_HOST =
      Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.svc(\\.cluster\\.local)?");
  /**
   * The JVM flags of a container's memory limit, for processes that share one small machine: a
   * bounded heap and a cheap JIT and GC keep a handful of auth processes within a few hundred MB each.
   */
  private static final List<String> AUTH_JVM_FLAGS =
      List.of("-Xmx192m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final KubernetesClient client;
  private final Path authJar;
  private final Path workDir;
  private final String javaBinary;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "pod-runner"));
  /** Readiness probes wait on the network (up to their timeout); they get threads of their own. */
  private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(2, r -> {
    Thread thread = new Thread(r, "pod-runner-probe");
    thread.setDaemon(true);
    return thread;
  });
  /** Stops wait up to a grace period each; a thread apiece, so that they do not queue behind each other. */
  private final ExecutorService stops = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "pod-runner-stop");
    thread.setDaemon(true);
    return thread;
  });
  private final Map<String, ScheduledFuture<?>> probing = new ConcurrentHashMap<>();
  private final Map<String, RunningPod> running = new ConcurrentHashMap<>();
  /** Pods whose process a test killed on purpose: not restarted until {@link #restart}. */
  private final Set<String> killed = ConcurrentHashMap.newKeySet();
  /**
   * Processes being stopped, by {@code ip:<IP>} and {@code pod:<namespace>/<name>}: a new pod with the
   * same IP, or the same name (a StatefulSet's replacement, whose files go in the same place), waits
   * until the old process has exited.
   */
  private final Map<String, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();
  /**
   * PersistentVolume directory → the pod (namespace/name uid) whose process has it, from start until
   * that process has exited: two processes never run on one claim's data at once, whatever their IPs.
   */
  private final Map<Path, String> claimHolders = new ConcurrentHashMap<>();
  private VolumeProvisioner provisioner;
  private final Map<String, List<ServiceProxy>> serviceProxies = new ConcurrentHashMap<>();
  private final AtomicInteger nextServiceAddress = new AtomicInteger(1);
  private final SharedIndexInformer<Pod> pods;
  private volatile boolean closed;

  private PodRunner(KubernetesClient client, Path authJar, Path workDir) {
    this.client = client;
    this.authJar = authJar.toAbsolutePath();
    this.workDir = workDir.toAbsolutePath();
    this.javaBinary = ProcessHandle.current().info().command().orElse("java");
    this.pods = client.pods().inAnyNamespace()
        .withLabel(AuthServiceResources.MANAGED_BY_LABEL, AuthServiceResources.OPERATOR)
        .runnableInformer(0);
  }

  /** Starts watching the operator's pods and running them; returns once the watch is in sync. */
  public static PodRunner start(KubernetesClient client, Path authJar, Path workDir) {
    if (!Files.isRegularFile(authJar)) {
      throw new IllegalArgumentException("no auth-service jar at " + authJar
          + "; build it with ./mvnw -q -DskipTests package");
    }
    try {
      Files.createDirectories(workDir.resolve("logs"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PodRunner runner = new PodRunner(client, authJar, workDir);
    runner.provisioner = VolumeProvisioner.start(client, runner.workDir.resolve("volumes"),
        runner.claimHolders::containsKey);
    runner.pods.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Pod pod) {
        runner.scheduleSync(key(pod), 0);
      }

      @Override
      public void onUpdate(Pod old, Pod pod) {
        runner.scheduleSync(key(pod), 0);
      }

      @Override
      public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
        runner.scheduleSync(key(pod), 0);
      }
    });
    runner.pods.run();
    log.info("Pod runner watching the operator's pods; logs in {}", workDir.resolve("logs"));
    return runner;
  }

  /** The process of a pod, if one runs (or ran and was killed) for its current UID. */
  public Optional<RunningPod> pod(String namespace, String name) {
    return Optional.ofNullable(running.get(namespace + "/" + name));
  }

  /** Every pod with a process, alive or killed. */
  public List<RunningPod> pods() {
    return List.copyOf(running.values());
  }

  /**
   * SIGKILLs the pod's process, as a crash would, and leaves it dead. The pod keeps its last
   * readiness (its probe stops too), as in the seconds before a kubelet notices, or when only the
   * operator cannot reach the pod: the way to make one ready pod stop answering.
   */
  public void kill(String namespace, String name) {
    String key = namespace + "/" + name;
    killed.add(key);
    RunningPod pod = running.get(key);
    if (pod != null) {
      pod.process().destroyForcibly();
      pod.process().onExit().join();
      log.info("Killed {} ({})", key, pod.ip());
    }
  }

  /** Starts the pod's program again at the same IP, after {@link #kill}. */
  public void restart(String namespace, String name) {
    String key = namespace + "/" + name;
    killed.remove(key);
    RunningPod old = running.remove(key);
    if (old != null) {
      stopProbing(old);
      old.volumes().delete();
      releaseClaims(old);
    }
    scheduleSync(key, 0);
  }

  private void scheduleSync(String key, long delaySeconds) {
    if (!closed) {
      executor.schedule(() -> sync(key), delaySeconds, TimeUnit.SECONDS);
    }
  }

  /** Makes the processes match the pod: one for a live pod with an IP, none otherwise. */
  private void sync(String key) {
    if (closed) {
      return;
    }
    Pod pod = pods.getStore().getByKey(key);
    RunningPod current = running.get(key);
    boolean live = pod != null && pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus() != null && pod.getStatus().getPodIP() != null;
    if (current != null && (!live || !current.uid().equals(pod.getMetadata().getUid()))) {
      running.remove(key);
      stopLater(current);
      current = null;
    }
    if (!live || current != null || killed.contains(key)) {
      return;
    }
    try {
      RunningPod started = launch(pod);
      if (started != null) {
        running.put(key, started);
      }
    } catch (PodWaits e) {
      log.info("{} waits: {}", key, e.getMessage());
      scheduleSync(key, RETRY_SECONDS);
    } catch (RuntimeException | IOException e) {
      log.error("Cannot run {}; retrying in {} s", key, RETRY_SECONDS, e);
      scheduleSync(key, RETRY_SECONDS);
    }
  }

  private RunningPod launch(Pod pod) throws IOException {
    String component = Optional.ofNullable(pod.getMetadata().getLabels())
        .map(l -> l.get(AuthServiceResources.COMPONENT_LABEL)).orElse("");
    boolean auth = Component.AUTH.label().equals(component);
    boolean redis = Component.REDIS.label().equals(component);
    if (!auth && !redis) {
      return null;
    }
    String key = key(pod);
    String ip = pod.getStatus().getPodIP();
    if (!InetAddress.getByName(ip).isLoopbackAddress()) {
      throw new IllegalStateException("pod " + key + " has IP " + ip + ", not a loopback address:"
          + " start kwok with a loopback --cidr (hack/cluster-in-a-box.sh does)");
    }
    awaitStopped("ip:" + ip, "the previous process at " + ip);
    awaitStopped("pod:" + key, "the process of the previous pod " + key);
    Container container = pod.getSpec().getContainers().get(0);
    String dirName = pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName();
    PodVolumes volumes = PodVolumes.materialise(client, pod, container, workDir.resolve("pods").resolve(dirName));
    String holder = key + " " + pod.getMetadata().getUid();
    try {
      holdClaims(volumes, holder);
      volumes.rewriteMountPathsInFiles();
      return start(pod, key, ip, component, auth, container, volumes);
    } catch (RuntimeException | IOException e) {
      volumes.delete();
      volumes.claimDirectories().forEach(dir -> claimHolders.remove(dir, holder));
      throw e;
    }
  }

  /**
   * Takes every claim directory of the pod for it, or none: a claim still held by another pod's
   * process (running, or stopping within its grace period) keeps this pod waiting.
   */
  private void holdClaims(PodVolumes volumes, String holder) {
    for (Path dir : volumes.claimDirectories()) {
      String other = claimHolders.putIfAbsent(dir, holder);
      if (other != null && !other.equals(holder)) {
        volumes.claimDirectories().forEach(d -> claimHolders.remove(d, holder));
        throw new PodWaits("its volume " + dir + " is still used by the process of " + other);
      }
    }
  }

  private void releaseClaims(RunningPod pod) {
    String holder = pod.namespace() + "/" + pod.name() + " " + pod.uid();
    pod.volumes().claimDirectories().forEach(dir -> claimHolders.remove(dir, holder));
  }

  private RunningPod start(Pod pod, String key, String ip, String component, boolean auth, Container container,
                           PodVolumes volumes) throws IOException {
    String dirName = pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName();
    Path logFile = workDir.resolve("logs").resolve(dirName + ".log");

    List<String> command = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    if (auth) {
      env.putAll(containerEnvironment(pod, container, volumes));
      // Listen at the pod's address only, as a container in its own network namespace would.
      env.put("SERVER_ADDRESS", ip);
      command.add(javaBinary);
      command.addAll(AUTH_JVM_FLAGS);
      command.add("-Djava.io.tmpdir=" + volumes.localPath("/tmp"));
      command.add("-jar");
      command.add(authJar.toString());
    } else {
      List<String> declared = new ArrayList<>(Optional.ofNullable(container.getCommand()).orElse(List.of()));
      declared.addAll(Optional.ofNullable(container.getArgs()).orElse(List.of()));
      if (declared.isEmpty() || !declared.get(0).equals("redis-server")) {
        throw new IllegalStateException("Redis pod " + key + " runs " + declared + ", not redis-server");
      }
      command.add("redis-server");
      declared.subList(1, declared.size()).forEach(arg -> command.add(volumes.localPath(arg)));
      // Overrides after the config file: bind to the pod's address only, stay in the foreground.
      command.addAll(List.of("--bind", ip, "--daemonize", "no", "--logfile", ""));
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(volumes.root().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    long grace = Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds())
        .orElse(DEFAULT_GRACE_SECONDS);
    RunningPod started = new RunningPod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
        pod.getMetadata().getUid(), ip, component, process, volumes, logFile, grace,
        preStopSleepSeconds(key, container));
    process.onExit().thenAccept(exited -> {
      if (running.get(key) == started && !killed.contains(key) && !closed) {
        log.error("{} exited with code {}; see {}", key, exited.exitValue(), logFile);
      }
    });
    ReadinessProber prober = new ReadinessProber(client, started.namespace(), started.name(), ip, container,
        () -> running.get(key) == started && !killed.contains(key));
    probing.put(started.uid(), probes.scheduleWithFixedDelay(prober, prober.initialDelaySeconds(),
        prober.periodSeconds(), TimeUnit.SECONDS));
    log.info("Started {} {} at {} (pid {}), log {}", component, key, ip, process.pid(), logFile);
    return started;
  }

  /**
   * The container's environment with paths mapped to the materialised volumes and Service names
   * mapped to their {@link ServiceProxy}. A Redis host that is neither would send traffic off this
   * machine, so such a pod is refused.
   */
  private Map<String, String> containerEnvironment(Pod pod, Container container, PodVolumes volumes)
      throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      if (var.getValueFrom() != null) {
        throw new IllegalStateException("env " + var.getName() + " uses valueFrom; the runner supports values only");
      }
      String value = Optional.ofNullable(var.getValue()).orElse("");
      env.put(var.getName(), volumes.localPath(value));
    }
    String redisHost = env.get("GATEHOUSE_REDIS_HOST");
    if (redisHost != null) {
      Matcher service = SERVICE_HOST.matcher(redisHost);
      if (service.matches()) {
        env.put("GATEHOUSE_REDIS_HOST", serviceAddress(service.group(3), service.group(1),
            pod.getStatus().getPodIP()));
      } else if (!InetAddress.getByName(redisHost).isLoopbackAddress()) {
        throw new IllegalStateException("GATEHOUSE_REDIS_HOST " + redisHost + " is neither a Service nor"
            + " loopback; the cluster in a box sends no traffic off this machine");
      }
    }
    return env;
  }

  /**
   * The loopback address of the Service's proxy, started on first use with one listener per port, in
   * the /16 of the pod that first needs it.
   */
  private String serviceAddress(String namespace, String name, String podIp) throws IOException {
    String key = namespace + "/" + name;
    List<ServiceProxy> existing = serviceProxies.get(key);
    if (existing != null) {
      return existing.get(0).address();
    }
    Service service = client.services().inNamespace(namespace).withName(name).get();
    if (service == null) {
      throw new PodVolumes.MissingVolumeSource("Service " + key);
    }
    String[] octets = podIp.split("\\.");
    String address = octets[0] + "." + octets[1] + "." + SERVICE_ADDRESS_THIRD_OCTET + "."
        + nextServiceAddress.getAndIncrement();
    List<ServiceProxy> proxies = new ArrayList<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      proxies.add(ServiceProxy.start(key + ":" + port.getPort(), address, port.getPort(),
          () -> readyBackend(namespace, name, port)));
    }
    serviceProxies.put(key, proxies);
    return address;
  }

  /** A ready, live pod selected by the Service now (read at connect time, as kube-proxy's rules follow it). */
  private Optional<ServiceProxy.Backend> readyBackend(String namespace, String serviceName, ServicePort port) {
    Service service = client.services().inNamespace(namespace).withName(serviceName).get();
    if (service == null || service.getSpec().getSelector() == null) {
      return Optional.empty();
    }
    Map<String, String> selector = service.getSpec().getSelector();
    return pods.getStore().list().stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .filter(p -> p.getMetadata().getLabels() != null
            && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null && isReady(p))
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .map(p -> new ServiceProxy.Backend(p.getStatus().getPodIP(), targetPort(p, port)));
  }

  private static int targetPort(Pod pod, ServicePort port) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return port.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> Optional.ofNullable(c.getPorts()).orElse(List.of()).stream())
        .filter(p -> target.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(port.getPort());
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getPodIP() != null
        && Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of()).stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Not blocking the sync thread: the pod is retried until the old process has exited. */
  private void awaitStopped(String stoppingKey, String what) {
    CompletableFuture<Void> old = stopping.get(stoppingKey);
    if (old != null && !old.isDone()) {
      throw new PodWaits(what + " is still stopping");
    }
  }

  /**
   * The seconds of the container's preStop {@code sleep} action, 0 without a preStop hook. Only the
   * sleep action is run here: a pod with another kind of hook is refused rather than stopped
   * without it.
   */
  private static long preStopSleepSeconds(String key, Container container) {
    if (container.getLifecycle() == null || container.getLifecycle().getPreStop() == null) {
      return 0;
    }
    var preStop = container.getLifecycle().getPreStop();
    if (preStop.getSleep() == null || preStop.getExec() != null || preStop.getHttpGet() != null
        || preStop.getTcpSocket() != null) {
      throw new IllegalStateException("pod " + key + " has a preStop hook other than sleep, which"
          + " the pod runner does not run: " + preStop);
    }
    return Optional.ofNullable(preStop.getSleep().getSeconds()).orElse(0L);
  }

  /**
   * preStop, SIGTERM, then SIGKILL at the end of the pod's grace period, off the sync thread; then
   * the files go.
   */
  private void stopLater(RunningPod pod) {
    stopProbing(pod);
    // Registered before the stop can complete, so that a fast stop is not left in the map.
    CompletableFuture<Void> go = new CompletableFuture<>();
    CompletableFuture<Void> stopped = go.thenRunAsync(() -> stop(pod, true), stops);
    List<String> keys = List.of("ip:" + pod.ip(), "pod:" + pod.namespace() + "/" + pod.name());
    keys.forEach(k -> stopping.put(k, stopped));
    stopped.whenComplete((ignored, error) -> keys.forEach(k -> stopping.remove(k, stopped)));
    go.complete(null);
  }

  private void stopProbing(RunningPod pod) {
    ScheduledFuture<?> probe = probing.remove(pod.uid());
    if (probe != null) {
      probe.cancel(false);
    }
  }

  /**
   * As the kubelet, in its order: the preStop hook (a sleep: the process keeps serving while its
   * endpoint goes), SIGTERM (redis-server then writes its AOF and RDB, the JVM runs its shutdown
   * hooks), SIGKILL when the pod's {@code terminationGracePeriodSeconds}, counted from the start of
   * the preStop hook, are over (at least 2 s after SIGTERM, as the kubelet gives). Without
   * {@code preStop} (the whole box shutting down) the hook is skipped. The claims are released
   * only when the process has exited.
   */
  private void stop(RunningPod pod, boolean preStop) {
    Process process = pod.process();
    long started = System.nanoTime();
    long graceEnds = started + TimeUnit.SECONDS.toNanos(pod.graceSeconds());
    boolean killed = false;
    try {
      if (preStop && pod.preStopSleepSeconds() > 0) {
        long hook = Math.min(pod.preStopSleepSeconds(), pod.graceSeconds());
        if (process.waitFor(hook, TimeUnit.SECONDS)) {
          log.warn("{}/{} exited during its preStop sleep", pod.namespace(), pod.name());
        }
      }
      process.destroy();
      long remaining = Math.max(graceEnds - System.nanoTime(),
          TimeUnit.SECONDS.toNanos(MINIMUM_GRACE_AFTER_PRE_STOP_SECONDS));
      if (!process.waitFor(remaining, TimeUnit.NANOSECONDS)) {
        killed = true;
        process.destroyForcibly();
        if (!process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
          log.error("{}/{} (pid {}) survived SIGKILL; its volumes stay held", pod.namespace(), pod.name(),
              process.pid());
          return;
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      return;
    }
    pod.volumes().delete();
    releaseClaims(pod);
    log.info("Stopped {}/{} ({}) in {} ms{}", pod.namespace(), pod.name(), pod.ip(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        killed ? " by SIGKILL after its grace period of " + pod.graceSeconds() + " s" : "");
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** Stops watching, every process and every Service proxy. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    pods.close();
    executor.shutdownNow();
    probes.shutdownNow();
    running.values().parallelStream().forEach(pod -> stop(pod, false));
    running.clear();
    serviceProxies.values().forEach(list -> list.forEach(ServiceProxy::close));
    if (provisioner != null) {
      provisioner.close();
    }
    log.info("Pod runner stopped");
  }

  /**
   * {@code PodRunner AUTH_JAR WORK_DIR}, with KUBECONFIG: runs pods until SIGTERM or Ctrl-C
   * (hack/demo.sh).
   */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: PodRunner AUTH_SERVICE_JAR WORK_DIR   (cluster from KUBECONFIG)");
      System.exit(2);
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    PodRunner runner = start(client, Path.of(args[0]), Path.of(args[1]));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      runner.close();
      client.close();
    }, "pod-runner-shutdown"));
    System.out.println("pod runner ready");
    Thread.currentThread().join();
  }

  /** The pod cannot start yet, as at a kubelet: a volume's source is missing, an old process still runs. */
  static class PodWaits extends RuntimeException {
    PodWaits(String why) {
      super(why);
    }
  }

  /**
   * A pod's process as the runner started it; {@code graceSeconds} is its time from the start of
   * termination to SIGKILL, {@code preStopSleepSeconds} its container's preStop sleep (0: none).
   */
  public record RunningPod(String namespace, String name, String uid, String ip, String component,
                           Process process, PodVolumes volumes, Path log, long graceSeconds,
                           long preStopSleepSeconds) {

    /** http://IP:8080 for an auth pod. */
    public String baseUrl() {
      return "http://" + ip + ":" + AuthServiceResources.AUTH_HTTP_PORT;
    }
  }
}
