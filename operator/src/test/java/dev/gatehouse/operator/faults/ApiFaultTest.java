package dev.gatehouse.operator.faults;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.ALL_REPLICAS_READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static dev.gatehouse.operator.support.Eventually.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.OperatorSettings;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.faults.FaultyApiServer.Fault;
import dev.gatehouse.operator.faults.FaultyApiServer.Seen;
import dev.gatehouse.operator.support.ControllerStatus;
import dev.gatehouse.operator.support.Eventually;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
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
 *
 * <p>The cases run at once (operator/pom.xml sets how many): each has its own server and operator,
 * and most of a case is waiting, for a quiet window, a Retry-After or a timeout.
 */
@Execution(ExecutionMode.CONCURRENT)
class ApiFaultTest {

  private static final String NAMESPACE = "faults";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> GENERATED =
      List.of("auth-redis-password", "auth-jwt-es256", "auth-admin-token");

  private FaultyApiServer server;
  private KubernetesClient client;
  private GatehouseOperator operator;
  private ReconcileFailures reconcileFailures;
  /** The uid of the AuthService that converge() created. */
  private String uid;

  @BeforeEach
  void startServer() throws IOException {
    reconcileFailures = new ReconcileFailures();
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
    reconcileFailures.close();
  }

  @Test
  void withoutFaultsTheExampleConvergesAndTheOperatorFallsQuiet() {
    assertThat(converge()).isEqualTo(createdValues());

    assertThat(reconcileFailures.count(uid)).isZero();
    GENERATED.forEach(name -> assertThat(server.creates(secretPath(name))).isEqualTo(1));
  }

  /** A write the operator makes: method, path and the object's name (empty: any). */
  enum WritePath {
    GENERATED_SECRET("POST", "/api/v1/namespaces/" + NAMESPACE + "/secrets", "auth-redis-password"),
    DEPLOYMENT("PATCH", "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/auth", "auth"),
    STATEFULSET("PATCH", "/apis/apps/v1/namespaces/" + NAMESPACE + "/statefulsets/auth-redis",
        "auth-redis"),
    SERVICE("PATCH", "/api/v1/namespaces/" + NAMESPACE + "/services/auth", "auth"),
    STATUS("PATCH", "/apis/gatehouse.dev/v1alpha1/namespaces/" + NAMESPACE
        + "/authservices/auth/status", "status"),
    EVENT("POST", "/api/v1/namespaces/" + NAMESPACE + "/events", "");

    final String method;
    final String path;
    final String name;

    WritePath(String method, String path, String name) {
      this.method = method;
      this.path = path;
      this.name = name;
    }

    boolean matches(Seen seen) {
      return seen.userAgent().startsWith(GatehouseOperator.USER_AGENT)
          && method.equals(seen.method()) && path.equals(seen.path())
          && (name.isEmpty() || name.equals(seen.name()));
    }
  }

  static Stream<Arguments> faults() {
    Map<String, Fault> every = new LinkedHashMap<>();
    every.put("409 Conflict", Fault.refuse(409));
    every.put("429 with Retry-After: 2", Fault.throttle(2));
    every.put("500", Fault.refuse(500));
    every.put("500 after the write was stored", Fault.storedButAnswered(500));
    every.put("no answer after the write was stored", Fault.storedButHung(Duration.ofSeconds(5)));
    Stream<Arguments> all = Stream.of(WritePath.GENERATED_SECRET, WritePath.DEPLOYMENT,
            WritePath.STATUS, WritePath.EVENT)
        .flatMap(path -> every.entrySet().stream()
            .map(fault -> Arguments.of(path, fault.getKey(), fault.getValue())));
    Stream<Arguments> otherChildren = Stream.of(WritePath.STATEFULSET, WritePath.SERVICE)
        .flatMap(path -> Stream.of(
            Arguments.of(path, "409 Conflict", Fault.refuse(409)),
            Arguments.of(path, "500 after the write was stored", Fault.storedButAnswered(500))));
    return Stream.concat(all, otherChildren);
  }

  @ParameterizedTest(name = "{0} answered once with {1}")
  @MethodSource("faults")
  void aWriteAnsweredOnceWithAFaultIsRiddenOut(WritePath write, String description, Fault fault) {
    server.inject(write::matches, 1, fault);

    Map<String, Map<String, String>> generated = converge();

    assertThat(server.faultsFired()).as("the fault was answered").isEqualTo(1);
    List<Seen> attempts = server.requests().stream().filter(write::matches).toList();
    if (write != WritePath.EVENT && !fault.storeFirst()) {
      // Nothing was stored, so the write must be made again; an Event is a courtesy, logged and
      // dropped when it fails.
      assertThat(attempts).as("retried until the write succeeded")
          .anySatisfy(seen -> assertThat(seen.code()).isBetween(200, 299));
    }
    if (fault.code() != 409 && attempts.size() > 1) {
      // After a 409 JOSDK reconciles again at once when another event came meanwhile; the other
      // faults are retried by the client, which waits.
      assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at()))
          .as("the retry waits (%s)", attempts).isGreaterThanOrEqualTo(minimumWait(fault));
    }
    // The status and Events are written several times on the way to Ready, each once.
    assertThat(attempts).as("no hot loop on %s", write.path).hasSizeLessThanOrEqualTo(
        write == WritePath.EVENT ? 12 : write == WritePath.STATUS ? 8 : 4);
    GENERATED.forEach(name -> assertThat(server.creates(secretPath(name)))
        .as("%s created once", name).isEqualTo(1));
    assertThat(server.requests()).as("nothing tried to change an immutable Secret")
        .noneMatch(seen -> seen.code() == 422);
    assertThat(generated).as("generated Secrets as first stored").isEqualTo(createdValues());
    if (fault.code() == 409 && !fault.storeFirst() && write != WritePath.EVENT) {
      assertThat(reconcileFailures.count(uid)).as("the refused reconcile, retried").isPositive();
    } else {
      // The client retries a 429, a 5xx and a timeout itself; a lost-answer create is adopted;
      // an Event never fails a reconcile.
      assertThat(reconcileFailures.count(uid)).as("failed reconciles").isZero();
    }
  }

  @Test
  void everyWatchClosedMidStreamIsResumedAndChangesAreSeenAgain() {
    converge();
    Instant closed = Instant.now();
    int watches = server.closeWatches("/");
    assertThat(watches).as("open watches").isGreaterThanOrEqualTo(5);
    awaitTrue(() -> operatorRequests(closed, Seen::watch).size() >= watches);

    client.services().inNamespace(NAMESPACE).withName("auth").delete();
    client.apps().deployments().inNamespace(NAMESPACE).withName("auth").delete();

    awaitTrue(() -> client.services().inNamespace(NAMESPACE).withName("auth").get() != null
        && client.apps().deployments().inNamespace(NAMESPACE).withName("auth").get() != null);
    awaitQuiet();
    Instant quiet = Instant.now();
    sleep(Duration.ofSeconds(3));
    assertThat(operatorRequests(quiet, seen -> true)).as("nothing polls or loops when quiet")
        .isEmpty();
  }

  /** How long the operator must wait before it tries a write again after this fault. */
  private static Duration minimumWait(Fault fault) {
    if (fault.retryAfterSeconds().isPresent()) {
      return Duration.ofSeconds(fault.retryAfterSeconds().get());
    }
    if (fault.hang().isPresent()) {
      // Measured from the request's arrival: the client started its clock a little earlier.
      return REQUEST_TIMEOUT.minusMillis(100);
    }
    return Duration.ofMillis(150);
  }

  // Helpers.

  /**
   * Starts the operator unless a test did, applies the minimal example, reports its pods as a
   * kubelet would, and waits for Ready and then quiet.
   */
  private Map<String, Map<String, String>> converge() {
    if (operator == null) {
      operator = start();
    }
    AuthService service = Serialization.unmarshal(
        readExample("minimal.yaml"), AuthService.class);
    service.getMetadata().setNamespace(NAMESPACE);
    uid = client.resource(service).create().getMetadata().getUid();
    await(Deployment.class, "auth");
    await(StatefulSet.class, "auth-redis");
    reportPodsReady();
    awaitTrue(() -> ready(client.resources(AuthService.class).inNamespace(NAMESPACE)
        .withName("auth").get()));
    await(Service.class, "auth");
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
    assertThat(values.get("auth-redis-password")).as("stored as data, as kube-apiserver stores it")
        .containsOnlyKeys("password");
    return values;
  }

  private Map<String, Map<String, String>> createdValues() {
    Map<String, Map<String, String>> values = new TreeMap<>();
    GENERATED.forEach(name -> values.put(name, server.createdData(secretPath(name))));
    return values;
  }

  private void reportPodsReady() {
    int replicas = client.apps().deployments().inNamespace(NAMESPACE).withName("auth").get()
        .getSpec().getReplicas();
    ControllerStatus.reportDeployment(client, NAMESPACE, "auth", replicas, replicas);
    ControllerStatus.reportStatefulSet(client, NAMESPACE, "auth-redis");
  }

  /**
   * Any Ready condition, not the first: the mock server's status writes leave the earlier
   * conditions in the list, so the first Ready is the oldest.
   */
  private static boolean ready(AuthService service) {
    return service != null && service.getStatus() != null
        && service.getStatus().getConditions().stream().anyMatch(c -> READY.equals(c.getType())
            && "True".equals(c.getStatus()) && ALL_REPLICAS_READY.equals(c.getReason()));
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

  private <T extends HasMetadata> T await(Class<T> type, String name) {
    awaitTrue(() -> client.resources(type).inNamespace(NAMESPACE).withName(name).get() != null);
    return client.resources(type).inNamespace(NAMESPACE).withName(name).get();
  }

  /** Polled every 100 ms, as this test always did. */
  private static void awaitTrue(BooleanSupplier check) {
    Eventually.until(TIMEOUT, Duration.ofMillis(100), check);
  }

  static String secretPath(String name) {
    return "/api/v1/namespaces/" + NAMESPACE + "/secrets/" + name;
  }

  private static String readExample(String file) {
    try {
      return Files.readString(Path.of("../examples", file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
