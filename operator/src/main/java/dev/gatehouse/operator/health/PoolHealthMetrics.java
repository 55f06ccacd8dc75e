package dev.gatehouse.operator.health;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The live pool figures of every AuthService, refreshed on every poll: they change too often for
 * status (Kubernetes API conventions), so they are Prometheus gauges, tagged by namespace and name.
 */
class PoolHealthMetrics {

  /** What one poll measured across the ready pods of an AuthService. */
  record Figures(int runningPods, int reportingPods, int inUse, int maxConnections,
      double maxUtilizationPercent, int unhealthyPods) {

    static Figures of(int runningPods, List<PodPoolReport> reports) {
      int inUse = 0;
      int max = 0;
      double peak = 0;
      int unhealthy = 0;
      for (PodPoolReport report : reports) {
        if (report.pool() != null) {
          inUse += report.pool().inUse();
          max += report.pool().maxConnections();
          peak = Math.max(peak, report.pool().utilizationPercent());
        }
        if (report.state() == PoolState.UNHEALTHY) {
          unhealthy++;
        }
      }
      return new Figures(runningPods, reports.size(), inUse, max, peak, unhealthy);
    }
  }

  private final MeterRegistry registry;
  private final Map<ResourceID, Registered> byAuthService = new ConcurrentHashMap<>();

  PoolHealthMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void record(ResourceID authService, Figures figures) {
    byAuthService.computeIfAbsent(authService, this::register).figures.set(figures);
  }

  void forget(ResourceID authService) {
    Registered registered = byAuthService.remove(authService);
    if (registered != null) {
      registered.meters.forEach(registry::remove);
    }
  }

  private Registered register(ResourceID id) {
    AtomicReference<Figures> figures = new AtomicReference<>(new Figures(0, 0, 0, 0, 0, 0));
    Tags tags = Tags.of("namespace", id.getNamespace().orElse(""), "name", id.getName());
    List<Meter> meters = List.of(
        gauge("gatehouse_redis_pool_running_pods", "Running auth pods asked for pool health", tags,
            figures, f -> f.runningPods()),
        gauge("gatehouse_redis_pool_reporting_pods", "Running auth pods that answered /health/redis",
            tags, figures, f -> f.reportingPods()),
        gauge("gatehouse_redis_pool_unhealthy_pods", "Auth pods that report Redis unhealthy", tags,
            figures, f -> f.unhealthyPods()),
        gauge("gatehouse_redis_pool_connections_in_use", "Redis connections in use, all pods", tags,
            figures, f -> f.inUse()),
        gauge("gatehouse_redis_pool_connections_max", "Pool maxima of the reporting pods, summed",
            tags, figures, f -> f.maxConnections()),
        gauge("gatehouse_redis_pool_utilization_max_percent", "Highest pool utilization of any pod",
            tags, figures, Figures::maxUtilizationPercent));
    return new Registered(figures, meters);
  }

  private Meter gauge(String name, String description, Tags tags, AtomicReference<Figures> figures,
      java.util.function.ToDoubleFunction<Figures> value) {
    return Gauge.builder(name, figures, ref -> value.applyAsDouble(ref.get()))
        .description(description)
        .tags(tags)
        .register(registry);
  }

  private record Registered(AtomicReference<Figures> figures, List<Meter> meters) {}
}
