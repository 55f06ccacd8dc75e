package dev.gatehouse.operator;

import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.List;
import java.util.Set;

/**
 * JOSDK's metrics as the dashboard and the alerts read them: the reconciliation counters per
 * AuthService ({@code operator_sdk_reconciliations_{success,failed}_total{namespace,name}}), the
 * reconcile timer per controller only. JOSDK's per-resource mode gives every AuthService its own
 * timer with a percentile histogram and three sliding percentiles (about 15 MB of heap and some 80
 * series per AuthService at 1,000 of them), and eight more counters and gauges per AuthService
 * (events received by kind and action, reconciles started, retries: another 10,000 meters at
 * 1,000), none of which anything reads (docs/benchmarks.md, "Issue 11").
 */
final class OperatorMetrics {

  private static final String JOSDK_PREFIX = "operator.sdk.";
  /** JOSDK's tag of the resource's name: only per-resource meters carry it. */
  private static final String RESOURCE_NAME_TAG = "name";
  private static final Set<String> PER_RESOURCE_KEPT = Set.of(
      JOSDK_PREFIX + "reconciliations.success", JOSDK_PREFIX + "reconciliations.failed");

  private OperatorMetrics() {}

  static Metrics of(MeterRegistry registry) {
    registry.config().meterFilter(MeterFilter.deny(id -> id.getName().startsWith(JOSDK_PREFIX)
        && id.getTag(RESOURCE_NAME_TAG) != null && !PER_RESOURCE_KEPT.contains(id.getName())));
    Metrics perResource = MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
        .build();
    Metrics perController = MicrometerMetrics.withoutPerResourceMetrics(registry);
    Metrics controllerTimer = new Metrics() {
      @Override
      public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
        return perController.timeControllerExecution(execution);
      }
    };
    // AggregatedMetrics times an execution with its first member only and tells every member
    // everything else: the timer's other calls are Metrics' no-ops, perResource's timer is unused.
    return new AggregatedMetrics(List.of(controllerTimer, perResource));
  }
}
