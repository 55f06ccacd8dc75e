package dev.gatehouse.operator;

import dev.gatehouse.operator.reconciler.AuthServiceReconciler;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Gatehouse operator: finds the cluster the standard way and reconciles AuthServices. */
public final class GatehouseOperator implements AutoCloseable {

  /** The user agent of every request, so audit logs and API priority rules can tell us apart. */
  public static final String USER_AGENT = "gatehouse-operator";
  private static final Logger log = LoggerFactory.getLogger(GatehouseOperator.class);

  private final Operator operator;
  private final HealthEndpoints health;

  private GatehouseOperator(Operator operator, HealthEndpoints health) {
    this.operator = operator;
    this.health = health;
  }

  /**
   * Starts the operator with the given client configuration (in a cluster: the pod's service
   * account; elsewhere: KUBECONFIG or ~/.kube/config, as kubectl finds them).
   */
  public static GatehouseOperator start(Config clientConfig, OperatorSettings settings)
      throws IOException {
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(clientConfig).withUserAgent(USER_AGENT).build())
        .build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Operator operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withMetrics(MicrometerMetrics.newPerResourceCollectingMicrometerMetricsBuilder(registry)
              .build())
          .withCloseClientOnStop(true);
      if (settings.leaderElection()) {
        overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            OperatorSettings.LEASE_NAME, settings.leaseNamespace()));
      }
    });
    operator.register(new AuthServiceReconciler(), controller -> {
      if (!settings.watchNamespaces().isEmpty()) {
        controller.settingNamespaces(settings.watchNamespaces());
      }
    });
    HealthEndpoints health = new HealthEndpoints(settings.healthPort(), operator, registry);
    operator.start();
    log.info("Gatehouse operator started; watching {}; probes and metrics on port {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces(),
        health.port());
    return new GatehouseOperator(operator, health);
  }

  public static void main(String[] args) throws IOException {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    GatehouseOperator running = start(Config.autoConfigure(null), settings);
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "gatehouse-shutdown"));
  }

  @Override
  public void close() {
    health.close();
    operator.stop();
  }
}
