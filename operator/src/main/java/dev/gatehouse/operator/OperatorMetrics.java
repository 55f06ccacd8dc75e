package dev.gatehouse.operator;

import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * JOSDK's metrics as the dashboard and the alerts read them: the reconciliation and event counters
 * per AuthService ({@code operator_sdk_reconciliations_*{namespace,name}}), the reconcile timer per
 * controller only. JOSDK's per-resource mode gives every AuthService its own timer with a
 * percentile histogram and three sliding percentiles: about 15 MB of heap and some 80 series per
 * AuthService at 1,000 of them (docs/benchmarks.md, "Issue 11"), and nothing reads them by name.
 */
final class OperatorMetrics {

  private OperatorMetrics() {}

  static Metrics of(MeterRegistry registry) {
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
