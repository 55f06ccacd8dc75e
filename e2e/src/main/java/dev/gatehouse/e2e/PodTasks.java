package dev.gatehouse.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A periodic task of each running pod, as the kubelet keeps one per pod (its probes, its volume
 * updates), on daemon threads of this kind's own, until the pod stops.
 */
class PodTasks implements AutoCloseable {

  private final ScheduledExecutorService executor;
  /** By pod UID. */
  private final Map<String, ScheduledFuture<?>> tasks = new ConcurrentHashMap<>();

  PodTasks(String threadName, int threads) {
    this.executor = Executors.newScheduledThreadPool(threads, r -> {
      Thread thread = new Thread(r, threadName);
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Runs {@code task} after {@code initialDelay}, then {@code period} after each run ends. */
  final void schedule(RunningPod pod, Runnable task, Duration initialDelay, Duration period) {
    tasks.put(pod.uid(), executor.scheduleWithFixedDelay(task, initialDelay.toMillis(),
        period.toMillis(), TimeUnit.MILLISECONDS));
  }

  final void stop(RunningPod pod) {
    ScheduledFuture<?> task = tasks.remove(pod.uid());
    if (task != null) {
      task.cancel(false);
    }
  }

  @Override
  public final void close() {
    executor.shutdownNow();
  }
}
