package dev.gatehouse.operator.faults;

import static dev.gatehouse.operator.faults.FaultyApiServer.Fault;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.OperatorSettings;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.faults.FaultyApiServer.Seen;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator as its main wires it, against an API server that refuses or loses one chosen write:
 * every write path (a generated Secret's create, the server-side apply of a child, the status
 * patch, an Event) answered once with 409, 429 with Retry-After, 500, a 500 after the write was
 * stored, and no answer at all after it was stored; and every watch closed mid-stream. Each case
 * must end where a fault-free run ends, with no generated Secret created twice or changed, and no
 * hot loop.
 */
class ApiFaultTest {

  private static final String NAMESPACE = "faults";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> GENERATED =
      List.of("auth-redis-password", "auth-jwt-es256", "auth-admin-token");

  private FaultyApiServer server;
  private KubernetesClient client;
  private GatehouseOperator operator;

  @BeforeEach
  void startServer() throws IOException {
    server = new FaultyApiServer();
    client = server.client();
    client.resource(Serialization.unmarshal(
            Files.readString(Path.of("../crds/authservices.gatehouse.dev-v1.yml")),
            CustomResourceDefinition.class))
        .create();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    client.close();
    server.close();
  }

  @Test
  void withoutFaultsTheExampleConvergesAndTheOperatorFallsQuiet() {
    converge();

    assertThat(failedReconciles()).isZero();
    GENERATED.forEach(name -> assertThat(server.creates(secretPath(name))).isEqualTo(1));
  }

  // Helpers.

  /** Applies the minimal example, reports its pods as a kubelet would, and waits for Ready. */
  private Map<String, Map<String, String>> converge() {
    operator = start();
    AuthService service = Serialization.unmarshal(
        readExample("minimal.yaml"), AuthService.class);
    service.getMetadata().setNamespace(NAMESPACE);
    client.resource(service).create();
    await(Deployment.class, "auth");
    await(StatefulSet.class, "auth-redis");
    reportPodsReady();
    awaitTrue(() -> ready(client.resources(AuthService.class).inNamespace(NAMESPACE)
        .withName("auth").get()));
    Stream.of(Service.class).forEach(type -> await(type, "auth"));
    awaitQuiet();
    return generatedValues();
  }

  private GatehouseOperator start() {
    try {
      return GatehouseOperator.start(server.operatorConfig(REQUEST_TIMEOUT),
          new OperatorSettings(Set.of(NAMESPACE), false, null, 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Map<String, String>> generatedValues() {
    Map<String, Map<String, String>> values = new TreeMap<>();
    for (String name : GENERATED) {
      values.put(name, new TreeMap<>(await(Secret.class, name).getData()));
    }
    return values;
  }

  private void reportPodsReady() {
    Deployment deployment = client.apps().deployments().inNamespace(NAMESPACE).withName("auth").get();
    int replicas = deployment.getSpec().getReplicas();
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(replicas).withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas).withAvailableReplicas(replicas).build());
    client.apps().deployments().inNamespace(NAMESPACE).resource(deployment).updateStatus();
    StatefulSet redis = client.apps().statefulSets().inNamespace(NAMESPACE).withName("auth-redis").get();
    redis.setStatus(new StatefulSetStatusBuilder()
        .withObservedGeneration(redis.getMetadata().getGeneration())
        .withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).withCurrentReplicas(1)
        .withUpdatedReplicas(1).build());
    client.apps().statefulSets().inNamespace(NAMESPACE).resource(redis).updateStatus();
  }

  private static boolean ready(AuthService service) {
    return service != null && service.getStatus() != null
        && service.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus()) && "AllReplicasReady".equals(c.getReason()));
  }

  /** Waits for two seconds in which the operator wrote nothing. */
  private void awaitQuiet() {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      Instant mark = Instant.now();
      sleep(Duration.ofSeconds(2));
      if (operatorRequests(mark, Seen::write).isEmpty()) {
        return;
      }
    }
    throw new AssertionError("the operator kept writing: " + operatorRequests(
        Instant.now().minusSeconds(2), Seen::write));
  }

  private List<Seen> operatorRequests(Instant since, Predicate<Seen> test) {
    return server.requests().stream()
        .filter(seen -> seen.userAgent().startsWith(GatehouseOperator.USER_AGENT))
        .filter(seen -> !seen.at().isBefore(since))
        .filter(test)
        .toList();
  }

  /** Reconciles that ended in an exception, from the operator's own metrics. */
  private double failedReconciles() {
    try {
      String metrics = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://localhost:" + operator.healthPort() + "/metrics"))
              .build(), HttpResponse.BodyHandlers.ofString()).body();
      return metrics.lines()
          .filter(line -> line.startsWith("operator_sdk_reconciliations_failed_total"))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private <T extends HasMetadata> T await(Class<T> type, String name) {
    awaitTrue(() -> client.resources(type).inNamespace(NAMESPACE).withName(name).get() != null);
    return client.resources(type).inNamespace(NAMESPACE).withName(name).get();
  }

  private static void awaitTrue(BooleanSupplier check) {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (!check.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not reached within " + TIMEOUT);
      }
      sleep(Duration.ofMillis(100));
    }
  }

  private static String secretPath(String name) {
    return "/api/v1/namespaces/" + NAMESPACE + "/secrets/" + name;
  }

  private static String readExample(String file) {
    try {
      return Files.readString(Path.of("../examples", file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
