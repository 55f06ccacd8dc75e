package dev.gatehouse.operator;

import dev.gatehouse.operator.reconciler.AuthServiceReconciler;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Gatehouse operator: finds the cluster the standard way and reconciles AuthServices. */
public final class GatehouseOperator implements AutoCloseable {

  /** The user agent of every request, so audit logs and API priority rules can tell us apart. */
  public static final String USER_AGENT = "gatehouse-operator";
  private static final Logger log = LoggerFactory.getLogger(GatehouseOperator.class);

  private final Operator operator;
  private final HealthEndpoints health;
  private final AtomicBoolean closing;

  private GatehouseOperator(Operator operator, HealthEndpoints health, AtomicBoolean closing) {
    this.operator = operator;
    this.health = health;
    this.closing = closing;
  }

  /**
   * Starts the operator with the given client configuration (in a cluster: the pod's service
   * account; elsewhere: KUBECONFIG or ~/.kube/config, as kubectl finds them).
   */
  public static GatehouseOperator start(Config clientConfig, OperatorSettings settings)
      throws IOException {
    Config config = ApiRetry.requestRetries(
        new ConfigBuilder(clientConfig).withUserAgent(USER_AGENT).build());
    KubernetesClient client = new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(RetryAfterDelay.NAME,
            new RetryAfterDelay(Duration.ofMillis(config.getRequestTimeout()))))
        .build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AtomicBoolean closing = new AtomicBoolean();
    Operator operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withMetrics(OperatorMetrics.of(registry))
          .withCloseClientOnStop(true);
      if (settings.leaderElection()) {
        overrider.withLeaderElectionConfiguration(new LeaderElectionConfiguration(
            OperatorSettings.LEASE_NAME, settings.leaseNamespace(),
            LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
            LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
            LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
            null,
            new LeaderCallbacks(() -> log.info("Leading: reconciling AuthServices"),
                () -> exitUnlessClosing(closing),
                leader -> log.info("Leader is {}", leader)),
            false));
      }
    });
    operator.register(new AuthServiceReconciler(registry), controller -> {
      controller.withRetry(ApiRetry.reconcileRetry());
      if (!settings.watchNamespaces().isEmpty()) {
        controller.settingNamespaces(settings.watchNamespaces());
      }
    });
    HealthEndpoints health = new HealthEndpoints(settings.healthPort(), operator, registry);
    try {
      operator.start();
    } catch (RuntimeException e) {
      // The health port would otherwise keep the JVM alive, doing nothing, with no probe to tell.
      health.close();
      try {
        operator.stop();
      } catch (RuntimeException stopping) {
        e.addSuppressed(stopping);
      }
      throw e;
    }
    log.info("Gatehouse operator started; watching {}; probes and metrics on port {}",
        settings.watchNamespaces().isEmpty() ? "all namespaces" : settings.watchNamespaces(),
        health.port());
    return new GatehouseOperator(operator, health, closing);
  }

  /** The port of /healthz, /readyz and /metrics (the one asked for, or the one picked for 0). */
  public int healthPort() {
    return health.port();
  }

  public static void main(String[] args) throws IOException {
    OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
    GatehouseOperator running;
    try {
      running = start(Config.autoConfigure(null), settings);
    } catch (RuntimeException e) {
      log.error("The operator could not start (an informer could not list what it watches);"
          + " exiting so that Kubernetes restarts it", e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "gatehouse-shutdown"));
  }

  /**
   * A replica that lost its Lease may hold stale caches and half-done work: it exits, and its
   * Deployment restarts it as a follower. Stopping on purpose also ends leadership, and must not.
   */
  private static void exitUnlessClosing(AtomicBoolean closing) {
    if (!closing.get()) {
      log.error("Lost the leader Lease; exiting so that a fresh process rejoins the election");
      System.exit(1);
    }
  }

  @Override
  public void close() {
    closing.set(true);
    health.close();
    operator.stop();
  }
}
