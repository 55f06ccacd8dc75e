package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a pod's process ends, as the kubelet ends a container: the preStop hook (a sleep: the
 * process keeps serving while its endpoint goes), SIGTERM (redis-server then writes its AOF and
 * RDB, the JVM runs its shutdown hooks), SIGKILL when the pod's
 * {@code terminationGracePeriodSeconds}, counted from the start of the preStop hook, are over (at
 * least 2 s after SIGTERM, as the kubelet gives).
 */
final class Termination {

  private static final Logger log = LoggerFactory.getLogger(Termination.class);

  /** The kubelet's default {@code terminationGracePeriodSeconds}, for a pod that declares none. */
  private static final long DEFAULT_GRACE_SECONDS = 30;
  /**
   * The kubelet's minimum time between SIGTERM and SIGKILL when a preStop hook used up the grace
   * period (kuberuntime's minimumGracePeriodInSeconds).
   */
  private static final long MINIMUM_GRACE_AFTER_PRE_STOP_SECONDS = 2;
  /** After SIGKILL: how long to wait for the exit before giving up on the process. */
  private static final long KILL_WAIT_SECONDS = 5;

  /** Stops wait up to a grace period each; a thread apiece, so that they do not queue behind each other. */
  private final ExecutorService stops = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "pod-runner-stop");
    thread.setDaemon(true);
    return thread;
  });
  /**
   * Processes being stopped, by {@code ip:<IP>} and {@code pod:<namespace>/<name>}: a new pod with the
   * same IP, or the same name (a StatefulSet's replacement, whose files go in the same place), waits
   * until the old process has exited.
   */
  private final Map<String, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();

  /**
   * preStop, SIGTERM, then SIGKILL at the end of the pod's grace period, off the caller's thread;
   * then {@code afterExit}.
   */
  void stopLater(RunningPod pod, Runnable afterExit) {
    // Registered before the stop can complete, so that a fast stop is not left in the map.
    CompletableFuture<Void> go = new CompletableFuture<>();
    CompletableFuture<Void> stopped = go.thenRunAsync(() -> stop(pod, true, afterExit), stops);
    List<String> keys = List.of("ip:" + pod.ip(), "pod:" + pod.namespace() + "/" + pod.name());
    keys.forEach(k -> stopping.put(k, stopped));
    stopped.whenComplete((ignored, error) -> keys.forEach(k -> stopping.remove(k, stopped)));
    go.complete(null);
  }

  /** Not blocking the sync thread: the pod is retried until the old process at its IP has exited. */
  void awaitStoppedAt(String ip) {
    awaitStopped("ip:" + ip, "the previous process at " + ip);
  }

  /** ...and until the process of the previous pod of its name has. */
  void awaitStoppedOf(String key) {
    awaitStopped("pod:" + key, "the process of the previous pod " + key);
  }

  private void awaitStopped(String stoppingKey, String what) {
    CompletableFuture<Void> old = stopping.get(stoppingKey);
    if (old != null && !old.isDone()) {
      throw new PodWaits(what + " is still stopping");
    }
  }

  /** The pod's time from the start of termination to SIGKILL. */
  static long graceSeconds(Pod pod) {
    return Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds())
        .orElse(DEFAULT_GRACE_SECONDS);
  }

  /**
   * The seconds of the container's preStop {@code sleep} action, 0 without a preStop hook. Only the
   * sleep action is run here: a pod with another kind of hook is refused rather than stopped
   * without it.
   */
  static long preStopSleepSeconds(String key, Container container) {
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
   * Ends the pod's process, in the kubelet's order; without {@code preStop} (the whole box shutting
   * down) the hook is skipped. {@code afterExit} runs only once the process has exited: a process
   * that survives SIGKILL keeps what it holds.
   */
  static void stop(RunningPod pod, boolean preStop, Runnable afterExit) {
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
    afterExit.run();
    log.info("Stopped {}/{} ({}) in {} ms{}", pod.namespace(), pod.name(), pod.ip(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        killed ? " by SIGKILL after its grace period of " + pod.graceSeconds() + " s" : "");
  }
}
