package dev.gatehouse.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceAction;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Metrics metrics = OperatorMetrics.of(registry);

  @Test
  void countsReconcilesPerAuthServiceAsTheDashboardReadsThemAndTimesThemPerController()
      throws Exception {
    for (String name : new String[] {"shop", "blog", "shop"}) {
      AuthService resource = authService(name);
      metrics.timeControllerExecution(execution(resource));
      metrics.finishedReconciliation(resource, Map.of());
    }
    metrics.failedReconciliation(authService("blog"), new IllegalStateException("refused"), Map.of());
    metrics.receivedEvent(new ResourceEvent(ResourceAction.UPDATED,
        ResourceID.fromResource(authService("shop")), authService("shop")), gvk());

    String scrape = registry.scrape();
    assertThat(series(scrape, "operator_sdk_reconciliations_success_total"))
        .anySatisfy(line -> assertThat(line).contains("name=\"shop\"").endsWith(" 2.0"))
        .anySatisfy(line -> assertThat(line).contains("name=\"blog\"").endsWith(" 1.0"));
    assertThat(series(scrape, "operator_sdk_reconciliations_failed_total"))
        .singleElement().satisfies(line -> assertThat(line).contains("name=\"blog\""));
    // Per AuthService, nothing but those two: not the events received, which JOSDK counts too.
    assertThat(scrape.lines().filter(line -> line.contains("name=\"shop\"")))
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).startsWith("operator_sdk_reconciliations_success_total{"));
    // One timer for the controller, however many AuthServices it reconciled.
    assertThat(series(scrape, "operator_sdk_controllers_execution_reconcile_seconds_count"))
        .singleElement().satisfies(line -> assertThat(line)
            .contains("controller=\"authservice\"").doesNotContain("name=").endsWith(" 3"));
  }

  private static Map<String, Object> gvk() {
    return Map.of(Constants.RESOURCE_GVK_KEY, GroupVersionKind.gvkFor(AuthService.class));
  }

  private static Stream<String> series(String scrape, String name) {
    return scrape.lines().filter(line -> line.startsWith(name + "{"));
  }

  private static AuthService authService(String name) {
    AuthService resource = new AuthService();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("tenants").build());
    return resource;
  }

  private static Metrics.ControllerExecution<String> execution(AuthService resource) {
    return new Metrics.ControllerExecution<>() {
      @Override
      public String name() {
        return "reconcile";
      }

      @Override
      public String controllerName() {
        return "authservice";
      }

      @Override
      public String successTypeName(String result) {
        return "resource";
      }

      @Override
      public ResourceID resourceID() {
        return ResourceID.fromResource(resource);
      }

      @Override
      public Map<String, Object> metadata() {
        return Map.of();
      }

      @Override
      public String execute() {
        return "done";
      }
    };
  }
}
