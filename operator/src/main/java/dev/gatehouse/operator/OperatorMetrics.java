package dev.gatehouse.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;

/**
 * JOSDK's metrics as the dashboard and the alerts read them: the reconciliation and event counters
 * per AuthService ({@code operator_sdk_reconciliations_*{namespace,name}}), the reconcile timer per
 * controller only. JOSDK's per-resource mode gives every AuthService its own timer with a
 * percentile histogram and three sliding percentiles: about 15 MB of heap and some 80 series per
 * AuthService at 1,000 of them (docs/benchmarks.md, "Issue 11"), and nothing reads them by name.
 */
final class OperatorMetrics implements Metrics {

  private final Metrics perResource;
  private final Metrics perController;

  OperatorMetrics(MeterRegistry registry) {
    this.perResource = MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
        .build();
    this.perController = MicrometerMetrics.withoutPerResourceMetrics(registry);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    return perController.timeControllerExecution(execution);
  }

  @Override
  public void controllerRegistered(Controller<? extends HasMetadata> controller) {
    perResource.controllerRegistered(controller);
  }

  @Override
  public void receivedEvent(Event event, Map<String, Object> metadata) {
    perResource.receivedEvent(event, metadata);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo,
      Map<String, Object> metadata) {
    perResource.reconcileCustomResource(resource, retryInfo, metadata);
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception,
      Map<String, Object> metadata) {
    perResource.failedReconciliation(resource, exception, metadata);
  }

  @Override
  public void reconciliationExecutionStarted(HasMetadata resource, Map<String, Object> metadata) {
    perResource.reconciliationExecutionStarted(resource, metadata);
  }

  @Override
  public void reconciliationExecutionFinished(HasMetadata resource, Map<String, Object> metadata) {
    perResource.reconciliationExecutionFinished(resource, metadata);
  }

  @Override
  public void cleanupDoneFor(ResourceID resourceID, Map<String, Object> metadata) {
    perResource.cleanupDoneFor(resourceID, metadata);
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    perResource.finishedReconciliation(resource, metadata);
  }

  @Override
  public <T extends Map<?, ?>> T monitorSizeOf(T map, String name) {
    return perResource.monitorSizeOf(map, name);
  }
}
