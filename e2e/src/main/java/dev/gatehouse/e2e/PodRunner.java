package dev.gatehouse.e2e;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container runtime of the cluster in a box. kwok makes the operator's pods Running, with a
 * loopback pod IP, but runs nothing; for each such pod this starts the real program at that IP, the
 * way a kubelet would, and {@link ReadinessProber} runs the pod's readiness probe against it: the auth pods run {@code java -jar auth-service.jar} on port 8080
 * with the container's environment, the managed Redis pods and Sentinels run Debian's
 * {@code redis-server} with the pod's own redis.conf (or sentinel.conf) and password file, after
 * their init containers. Mounted Secrets and ConfigMaps are written to a
 * private directory and the paths that name them are mapped there; a PersistentVolumeClaim is the
 * directory its {@link VolumeProvisioner} volume has, kept across pods. A process stops when its pod
 * is deleted (the container's preStop sleep, SIGTERM, SIGKILL at the end of the pod's grace
 * period); a replacement pod (new UID) gets a new
 * process once the old one has exited, if it has the old one's IP, name or claim. Services are
 * reached through {@link ServiceProxy}, the stand-in for kube-proxy.
 *
 * <p>This class keeps the processes in step with the pods; its parts do the rest, each as a kubelet
 * would: {@link ProcessLauncher} starts a program (its environment from {@link
 * ContainerEnvironment}), {@link ReadinessProbes} probe it, {@link Termination} ends it, {@link
 * ClaimHolders} keeps two processes off one claim, and {@link ServiceProxies} stand in for
 * kube-proxy.
 *
 * <p>What is simulated, and why, is in docs/cluster-in-a-box.md.
 *
 * <p>Longer than 300 lines because it is the one place that maps pod events (added, updated,
 * deleted, replaced at the same IP, name or claim) onto process lifecycles; the kubelet's parts are
 * the classes named above.
 */
public final class PodRunner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PodRunner.class);

  private static final long RETRY_SECONDS = 2;

  private final KubernetesClient client;
  private final Path workDir;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "pod-runner"));
  private final Map<String, RunningPod> running = new ConcurrentHashMap<>();
  /** Pods whose process a test killed on purpose: not restarted until {@link #restart}. */
  private final Set<String> killed = ConcurrentHashMap.newKeySet();
  private final Termination termination = new Termination();
  private final ClaimHolders claimHolders = new ClaimHolders();
  private VolumeProvisioner provisioner;
  private final SharedIndexInformer<Pod> pods;
  private final ServiceProxies services;
  private final ProcessLauncher launcher;
  private final ReadinessProbes probes;
  private final VolumeSync volumeSync;
  private volatile boolean closed;

  private PodRunner(KubernetesClient client, Path authJar, Path workDir) {
    this.client = client;
    this.workDir = workDir.toAbsolutePath();
    this.pods = client.pods().inAnyNamespace()
        .withLabel(AuthServiceResources.MANAGED_BY_LABEL, AuthServiceResources.OPERATOR)
        .runnableInformer(0);
    this.services = new ServiceProxies(client, () -> pods.getStore().list());
    this.launcher = new ProcessLauncher(authJar.toAbsolutePath(), this.workDir.resolve("logs"),
        services);
    this.probes = new ReadinessProbes(client);
    this.volumeSync = new VolumeSync(client);
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
        runner.claimHolders::isHeld);
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
      probes.stop(old);
      volumeSync.stop(old);
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
    // A Sentinel is redis-server too (--sentinel in its arguments).
    boolean redis = Component.REDIS.label().equals(component)
        || Component.SENTINEL.label().equals(component);
    if (!auth && !redis) {
      return null;
    }
    String key = key(pod);
    String ip = pod.getStatus().getPodIP();
    if (!InetAddress.getByName(ip).isLoopbackAddress()) {
      throw new IllegalStateException("pod " + key + " has IP " + ip + ", not a loopback address:"
          + " start kwok with a loopback --cidr (hack/cluster-in-a-box.sh does)");
    }
    termination.awaitStoppedAt(ip);
    termination.awaitStoppedOf(key);
    Container container = pod.getSpec().getContainers().get(0);
    String dirName = pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName();
    PodVolumes volumes = PodVolumes.materialise(client, pod, container, workDir.resolve("pods").resolve(dirName));
    String holder = ClaimHolders.holder(pod.getMetadata().getNamespace(),
        pod.getMetadata().getName(), pod.getMetadata().getUid());
    try {
      claimHolders.hold(volumes, holder);
      // The kubelet's order: each init container to its successful end, then the container. They
      // share the pod's directory, so an emptyDir they both mount is one directory.
      for (Container init : Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of())) {
        PodVolumes initVolumes = PodVolumes.materialise(client, pod, init, volumes.root());
        initVolumes.rewriteMountPathsInFiles();
        launcher.runInit(key, init, initVolumes);
      }
      // After the init containers: a file one copied (the Sentinels' sentinel.conf) may name a
      // path only the container mounts (the include of the Sentinels' password).
      volumes.rewriteMountPathsInFiles();
      return start(pod, key, ip, component, auth, container, volumes);
    } catch (RuntimeException | IOException e) {
      volumes.delete();
      claimHolders.release(volumes, holder);
      throw e;
    }
  }

  private void releaseClaims(RunningPod pod) {
    claimHolders.release(pod.volumes(), ClaimHolders.holder(pod.namespace(), pod.name(), pod.uid()));
  }

  /** Starts the pod's program, and its readiness probe. */
  private RunningPod start(Pod pod, String key, String ip, String component, boolean auth, Container container,
                           PodVolumes volumes) throws IOException {
    RunningPod started = launcher.start(pod, key, ip, component, auth, container, volumes);
    Process process = started.process();
    Path logFile = started.log();
    process.onExit().thenAccept(exited -> {
      if (running.get(key) == started && !killed.contains(key) && !closed) {
        log.error("{} exited with code {}; see {}", key, exited.exitValue(), logFile);
      }
    });
    probes.start(started, container, () -> running.get(key) == started && !killed.contains(key));
    volumeSync.start(started);
    log.info("Started {} {} at {} (pid {}), log {}", component, key, ip, process.pid(), logFile);
    return started;
  }

  /** The kubelet's termination, off the sync thread; then the files go. */
  private void stopLater(RunningPod pod) {
    probes.stop(pod);
    volumeSync.stop(pod);
    termination.stopLater(pod, () -> afterExit(pod));
  }

  /** Once the process has exited, its files go and its claims are free for another. */
  private void afterExit(RunningPod pod) {
    pod.volumes().delete();
    releaseClaims(pod);
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
    probes.close();
    volumeSync.close();
    running.values().parallelStream().forEach(pod -> Termination.stop(pod, false, () -> afterExit(pod)));
    running.clear();
    services.close();
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
}
