package dev.gatehouse.operator.it;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.support.Conditions;
import dev.gatehouse.operator.support.Eventually;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The base of the tests that run one operator per test, in this JVM, against the real API server
 * and scoped to the test's namespace; what they apply, they apply as {@code kubectl apply
 * --server-side} does, and they wait for what a user would see with kubectl.
 */
abstract class AbstractOperatorIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  /** How long an await waits: long enough for what the test class waits for. */
  protected final Duration timeout;
  protected KubernetesClient client;
  protected String namespace;
  protected GatehouseOperator operator;

  protected AbstractOperatorIT(Duration timeout) {
    this.timeout = timeout;
  }

  @BeforeAll
  static void installCrd() {
    apiServer.installCrd();
  }

  @BeforeEach
  void startOperator() {
    client = apiServer.client();
    namespace = apiServer.namespace();
    operator = InProcessOperator.watching(apiServer, namespace);
  }

  @AfterEach
  void stopOperator() {
    if (operator != null) {
      operator.close();
    }
  }

  /** A file of examples/, as a user would apply it. */
  protected static AuthService example(String example) {
    Path file = Path.of(System.getProperty("gatehouse.examples.dir"), example);
    try {
      return Serialization.unmarshal(Files.readString(file), AuthService.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** As {@code kubectl apply --server-side --force-conflicts}. */
  protected AuthService apply(AuthService service) {
    return client.resource(service).inNamespace(namespace).fieldManager("kubectl")
        .forceConflicts().serverSideApply();
  }

  protected void createSecret(String name, Map<String, String> entries) {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName(name).endMetadata().withStringData(entries).build()).create();
  }

  protected <T extends HasMetadata> T await(Class<T> type, String name) {
    return client.resources(type).inNamespace(namespace).withName(name)
        .waitUntilCondition(r -> r != null, timeout.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits until the AuthService's status, once the operator wrote one, passes {@code test}. */
  protected AuthService awaitStatus(String name, Predicate<AuthService> test) {
    return Conditions.await(client, namespace, name, timeout, test);
  }

  protected void awaitTrue(BooleanSupplier check) {
    Eventually.until(timeout, check);
  }

  protected Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** The hash of the configuration the pod template was rendered from. */
  protected static String templateHash(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getAnnotations()
        .get(ConfigHash.ANNOTATION);
  }

  /**
   * A Pod as the Deployment would make it, Running and Ready at 127.0.0.1, its first container port
   * the one a server of the test listens on: no kubelet runs here, so the test is the pod.
   */
  protected void runReadyPod(Deployment deployment, String name, int port) {
    var template = deployment.getSpec().getTemplate();
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .withLabels(template.getMetadata().getLabels()).endMetadata()
        .withSpec(template.getSpec())
        .build();
    pod.getSpec().getContainers().get(0).getPorts().get(0).setContainerPort(port);
    Pod created = client.pods().inNamespace(namespace).resource(pod).create();
    created.setStatus(new PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1")
        .addNewPodIP("127.0.0.1")
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .build());
    client.pods().inNamespace(namespace).resource(created).updateStatus();
  }
}
