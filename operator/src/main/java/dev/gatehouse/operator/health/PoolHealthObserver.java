package dev.gatehouse.operator.health;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Polls {@code /health/redis} of each AuthService's running pods, off the reconcile threads, at the
 * interval of {@code spec.redis.pool.healthCheckInterval}. JOSDK's per-resource polling event
 * source caches the {@link PoolHealth} of each AuthService and triggers a reconcile only when it
 * changes, which is what keeps status writes to meaningful changes; the live figures go to
 * {@link PoolHealthMetrics} on every poll.
 */
public final class PoolHealthObserver
    implements PerResourcePollingEventSource.ResourceFetcher<PoolHealth, AuthService> {

  public static final String EVENT_SOURCE = "pool-health";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_IN_FLIGHT = 64;
  private static final int POLLING_THREADS = 2;

  private final InformerEventSource<Pod, AuthService> pods;
  private final PoolHealthClient client;
  private final PoolHealthMetrics metrics;

  private PoolHealthObserver(InformerEventSource<Pod, AuthService> pods, PoolHealthClient client,
      PoolHealthMetrics metrics) {
    this.pods = pods;
    this.client = client;
    this.metrics = metrics;
  }

  /**
   * The pods informer, the polling source and the {@link PublishedKeysObserver}'s, which shares
   * the informer, the client and the polling threads, for the reconciler's prepareEventSources.
   */
  public static List<EventSource<?, AuthService>> eventSources(
      EventSourceContext<AuthService> context, MeterRegistry registry) {
    InformerEventSource<Pod, AuthService> pods = AuthPods.eventSource(context);
    PoolHealthMetrics metrics = new PoolHealthMetrics(registry);
    PoolHealthClient client = new PoolHealthClient(REQUEST_TIMEOUT, MAX_IN_FLIGHT);
    PoolHealthObserver observer = new PoolHealthObserver(pods, client, metrics);
    ScheduledExecutorService executor = Executors.newScheduledThreadPool(POLLING_THREADS, runnable -> {
      Thread thread = new Thread(runnable, "pool-health-poller");
      thread.setDaemon(true);
      return thread;
    });
    PerResourcePollingEventSource<PoolHealth, AuthService, String> polling =
        new PerResourcePollingEventSource<>(PoolHealth.class, context,
            new PerResourcePollingConfigurationBuilder<PoolHealth, AuthService, String>(
                observer, PollInterval.DEFAULT)
                .withName(EVENT_SOURCE)
                .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
                .withExecutorService(executor)
                .build()) {
          @Override
          public void onResourceDeleted(AuthService resource) {
            super.onResourceDeleted(resource);
            metrics.forget(ResourceID.fromResource(resource));
          }
        };
    return List.of(pods, polling,
        PublishedKeysObserver.eventSource(context, pods, client, REQUEST_TIMEOUT, executor));
  }

  @Override
  public Set<PoolHealth> fetchResources(AuthService primary) {
    List<Pod> running = pods.getSecondaryResources(primary).stream()
        .filter(AuthPods::isRunning)
        .sorted(Comparator.comparing(pod -> pod.getMetadata().getName()))
        .toList();
    List<CompletableFuture<Optional<PodPoolReport>>> requests = running.stream()
        .map(pod -> client.fetch(pod.getStatus().getPodIP(), AuthPods.httpPort(pod),
            AuthPods.servesHttps(pod)))
        .toList();
    awaitAll(requests, REQUEST_TIMEOUT);
    List<PodPoolReport> reports = requests.stream()
        .filter(request -> request.isDone() && !request.isCompletedExceptionally())
        .map(CompletableFuture::join)
        .flatMap(Optional::stream)
        .toList();
    metrics.record(ResourceID.fromResource(primary),
        PoolHealthMetrics.Figures.of(running.size(), reports));
    return Set.of(PoolHealth.of(running.size(), reports));
  }

  @Override
  public Optional<Duration> fetchDelay(Set<PoolHealth> lastFetched, AuthService primary) {
    return Optional.of(PollInterval.of(primary));
  }

  /** Each request has its own timeout; this bound only guards against one that never completes. */
  static void awaitAll(List<? extends CompletableFuture<?>> requests, Duration requestTimeout) {
    try {
      CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new))
          .get(requestTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // The ones still pending count as not reporting.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
