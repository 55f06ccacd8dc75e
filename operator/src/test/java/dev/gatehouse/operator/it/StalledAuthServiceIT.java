package dev.gatehouse.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import dev.gatehouse.operator.secrets.ConfigHash;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only the cluster can judge, on a real kube-apiserver: a child it refuses, a referenced
 * Secret whose content the pods would refuse. Each is a condition whose reason names the object and
 * whose message says what to fix, with Stalled=True so that kstatus (run for real, see
 * {@link Kstatus}) says Failed; and each clears once fixed. As in AuthServiceOperatorIT, there is
 * no kube-controller-manager, so the tests write Deployment status as it would.
 */
class StalledAuthServiceIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  /** The operator rechecks a refusal every 30 s; a fix elsewhere in the cluster shows within that. */
  private static final Duration TIMEOUT = Duration.ofSeconds(75);
  private static final Pattern SECRET_HASH = Pattern.compile("\\$(2[aby]|argon2id)\\$[^\"\\s]+");
  /** What Argo CD shows, with the check of examples/gitops/argocd, for what kstatus computes. */
  private static final Map<String, String> ARGOCD_HEALTH =
      Map.of("Current", "Healthy", "InProgress", "Progressing", "Failed", "Degraded");
  private static final Path CONTRACT =
      Path.of(System.getProperty("gatehouse.contracts.dir", "../contracts"));

  private KubernetesClient client;
  private String namespace;
  private GatehouseOperator operator;

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

  @Test
  void kstatusSaysCurrentWhenReadyInProgressWhileRollingFailedForAMissingSecretAndCurrentAgain() {
    apply(example("minimal.yaml"));
    await(Deployment.class, "auth");
    assertThat(kstatus(awaitStatus(s -> has(s, "Reconciling", "Creating")
        || has(s, "Reconciling", "RollingOut")))).isEqualTo("InProgress");

    reportPods(2);
    AuthService ready = awaitStatus(s -> "True".equals(condition(s, "Ready").getStatus()));
    assertThat(types(ready)).doesNotContain("Reconciling", "Stalled");
    assertThat(kstatus(ready)).isEqualTo("Current");

    // kubectl scale: the Deployment changes, and no controller has rolled it yet.
    client.resources(AuthService.class).inNamespace(namespace).withName("auth").scale(3);
    AuthService rolling = awaitStatus(s -> s.getStatus().getObservedGeneration() == 2L
        && has(s, "Reconciling", "RollingOut"));
    assertThat(kstatus(rolling)).isEqualTo("InProgress");

    AuthService withClients = example("minimal.yaml");
    withClients.getSpec().setReplicas(3);
    withClients.getSpec().setClientsSecretRef(new SecretReference("auth-clients"));
    apply(withClients);
    AuthService missing = awaitStatus(s -> has(s, "Stalled", "SecretMissing"));
    assertThat(condition(missing, "Stalled").getMessage())
        .contains("Secret auth-clients (spec.clientsSecretRef) does not exist in namespace " + namespace);
    assertThat(condition(missing, "Ready").getReason()).isEqualTo("SecretMissing");
    assertThat(kstatus(missing)).isEqualTo("Failed");

    createSecret("auth-clients", Map.of("clients.yaml", sample("clients/valid-two-clients.yaml")));
    awaitCondition(() -> deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getSecret() != null && "auth-clients".equals(v.getSecret().getSecretName())));
    reportPods(3);
    AuthService fixed = awaitStatus(s -> "True".equals(condition(s, "Ready").getStatus()));
    assertThat(types(fixed)).doesNotContain("Stalled", "Reconciling");
    assertThat(kstatus(fixed)).isEqualTo("Current");
  }

  @Test
  void badSecretContentKeepsThePodsOnWhatTheyHaveAndSaysWhichSecretAndKey() {
    Map<String, String> keys = directory(CONTRACT.resolve("signing-keys/es256-valid"));
    String clients = sample("clients/valid-two-clients.yaml");
    createSecret("user-keys", keys);
    createSecret("auth-clients", Map.of("clients.yaml", clients));
    AuthService spec = example("minimal.yaml");
    spec.getSpec().setClientsSecretRef(new SecretReference("auth-clients"));
    spec.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("user-keys"));
    apply(spec);
    await(Deployment.class, "auth");
    reportPods(2);
    awaitStatus(s -> "True".equals(condition(s, "Ready").getStatus()));
    // Ready means every pod runs this template: the configuration the pods have.
    String before = templateHash(deployment());

    String unknownGrant = sample("clients/invalid-unknown-grant-type.yaml");
    replaceSecret("auth-clients", Map.of("clients.yaml", unknownGrant));
    Map<String, String> badKid = new TreeMap<>(keys);
    badKid.put("active-kid", "sample-2027\n");
    replaceSecret("user-keys", badKid);

    AuthService stalled = awaitStatus(s -> has(s, "Stalled", "SecretInvalid")
        && condition(s, "Stalled").getMessage().contains("auth-clients")
        && condition(s, "Stalled").getMessage().contains("user-keys"));
    String message = condition(stalled, "Stalled").getMessage();
    assertThat(message)
        .contains("Secret user-keys, key active-kid: names sample-2027 but there is no key"
            + " sample-2027.pem (keys ending in .pem: sample-2026.pem)")
        .contains("Secret auth-clients, key clients.yaml: client web-app has grant-types"
            + " [authorization_code]")
        .contains("The running auth pods keep the configuration they have.");
    // Neither a line of the key nor a client's secret hash.
    assertThat(Stream.concat(
        keys.values().stream().flatMap(String::lines)
            .filter(line -> line.length() >= 16 && !line.startsWith("-----")),
        SECRET_HASH.matcher(unknownGrant + clients).results().map(MatchResult::group)))
        .isNotEmpty()
        .allSatisfy(material -> assertThat(message).doesNotContain(material));
    assertThat(kstatus(stalled)).isEqualTo("Failed");
    // The pods would not start on this: the template, and so the running pods, stay as they were.
    assertThat(templateHash(deployment())).isEqualTo(before);
    reportPods(2);
    sleep(Duration.ofSeconds(3));
    assertThat(templateHash(deployment())).isEqualTo(before);

    replaceSecret("user-keys", keys);
    replaceSecret("auth-clients", Map.of("clients.yaml", sample("clients/valid-no-scopes.yaml")));
    awaitCondition(() -> !templateHash(deployment()).equals(before));
    AuthService fixed = awaitStatus(s -> !types(s).contains("Stalled"));
    assertThat(condition(fixed, "Reconciling").getReason()).isEqualTo("RollingOut");
  }

  @Test
  void aChildAnAdmissionPolicyRefusesIsStalledWithThePolicysWordsUntilThePolicyGoes() {
    String policy = namespace + "-owner-label";
    client.resource(generic("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: %s}
        spec:
          failurePolicy: Fail
          matchConstraints:
            resourceRules:
              - apiGroups: [apps]
                apiVersions: [v1]
                operations: [CREATE, UPDATE]
                resources: [deployments]
          validations:
            - expression: "has(object.metadata.labels) && 'team.example.com/owner' in object.metadata.labels"
              message: every Deployment needs a team.example.com/owner label
        """.formatted(policy))).create();
    GenericKubernetesResource binding = client.resource(generic("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: %s}
        spec:
          policyName: %s
          validationActions: [Deny]
          matchResources:
            namespaceSelector:
              matchLabels: {kubernetes.io/metadata.name: %s}
        """.formatted(policy, policy, namespace))).create();
    try {
      awaitPolicyInForce(policy);

      apply(example("minimal.yaml"));
      AuthService stalled = awaitStatus(s -> has(s, "Stalled", "DeploymentRejected"));
      String message = condition(stalled, "Stalled").getMessage();
      assertThat(message)
          .startsWith("The API server refused Deployment auth: ValidatingAdmissionPolicy '" + policy
              + "' with binding '" + policy + "' denied request: every Deployment needs a"
              + " team.example.com/owner label.")
          .contains("admission policy")
          .doesNotContain("Exception", "Status(", "://", "Failure executing", "\tat ");
      assertThat(condition(stalled, "Ready").getReason()).isEqualTo("DeploymentRejected");
      assertThat(kstatus(stalled)).isEqualTo("Failed");
      assertThat(client.apps().deployments().inNamespace(namespace).withName("auth").get()).isNull();
    } finally {
      client.resource(binding).delete();
    }
    // Nothing tells the operator that the policy went: its recheck finds out.
    await(Deployment.class, "auth");
    AuthService recovered = awaitStatus(s -> !types(s).contains("Stalled"));
    assertThat(condition(recovered, "Ready").getReason()).isNotEqualTo("DeploymentRejected");
    assertThat(kstatus(recovered)).isEqualTo("InProgress");
  }

  @Test
  void anObjectOfTheSameNameThatCannotBeTakenOverIsReportedWithTheFieldTheServerNamed() {
    // Someone's Deployment called auth, without the operator's labels.
    client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
        .withNewMetadata().withName("auth").endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "theirs")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "theirs")).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("nginx").endContainer().endSpec()
        .endTemplate().endSpec().build()).create();

    apply(example("minimal.yaml"));
    // The operator creates what is not in its caches without overwriting: the create conflicts,
    // which is retried with backoff, and stalls once it outlasts the retries.
    AuthService stalled = awaitStatus(s -> has(s, "Stalled", "DeploymentConflict"));
    assertThat(condition(stalled, "Stalled").getMessage())
        .startsWith("Deployment auth already exists but is not one the operator manages")
        .contains("delete or rename it")
        .doesNotContain("Exception", "Status(", "://", "Failure executing");
    assertThat(kstatus(stalled)).isEqualTo("Failed");

    client.apps().deployments().inNamespace(namespace).withName("auth").delete();
    awaitCondition(() -> {
      Deployment now = client.apps().deployments().inNamespace(namespace).withName("auth").get();
      return now != null && now.getSpec().getSelector().getMatchLabels().containsKey(
          "app.kubernetes.io/instance");
    });
    awaitStatus(s -> !types(s).contains("Stalled"));
  }

  // --- helpers -----------------------------------------------------------------------------

  /** Policies take effect a moment after they are created: wait until one refuses a Deployment. */
  private void awaitPolicyInForce(String policyName) {
    Deployment probe = new DeploymentBuilder()
        .withNewMetadata().withName("policy-probe").endMetadata()
        .withNewSpec().withNewSelector().withMatchLabels(Map.of("app", "probe")).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(Map.of("app", "probe")).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("nginx").endContainer().endSpec()
        .endTemplate().endSpec().build();
    awaitCondition(() -> {
      try {
        client.apps().deployments().inNamespace(namespace).resource(probe).dryRun().create();
        return false;
      } catch (KubernetesClientException refused) {
        if (refused.getStatus() != null && refused.getStatus().getMessage() != null
            && refused.getStatus().getMessage().contains(policyName)) {
          return true;
        }
        throw refused;
      }
    });
  }

  private void apply(AuthService service) {
    client.resource(service).inNamespace(namespace).fieldManager("kubectl").forceConflicts()
        .serverSideApply();
  }

  private static AuthService example(String example) {
    Path file = Path.of(System.getProperty("gatehouse.examples.dir"), example);
    try {
      return Serialization.unmarshal(Files.readString(file), AuthService.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GenericKubernetesResource generic(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  private static String sample(String path) {
    try {
      return Files.readString(CONTRACT.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> directory(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      Map<String, String> entries = new TreeMap<>();
      for (Path file : files.toList()) {
        entries.put(file.getFileName().toString(), Files.readString(file));
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void createSecret(String name, Map<String, String> entries) {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder()
        .withNewMetadata().withName(name).endMetadata().withStringData(entries).build()).create();
  }

  /** As {@code kubectl create secret ... --dry-run=client -o yaml | kubectl replace -f -}. */
  private void replaceSecret(String name, Map<String, String> entries) {
    client.secrets().inNamespace(namespace).withName(name).edit(secret -> {
      secret.setData(null);
      secret.setStringData(entries);
      return secret;
    });
  }

  private Deployment deployment() {
    return client.apps().deployments().inNamespace(namespace).withName("auth").get();
  }

  private static String templateHash(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
  }

  /** Writes Deployment status as kube-controller-manager would once every pod runs and is ready. */
  private void reportPods(int replicas) {
    Deployment deployment = deployment();
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(replicas).withUpdatedReplicas(replicas)
        .withReadyReplicas(replicas).withAvailableReplicas(replicas).build());
    client.apps().deployments().inNamespace(namespace).resource(deployment).updateStatus();
  }

  /** kstatus's verdict, checked against Argo CD's (with the shipped Lua check) for the same object. */
  private String kstatus(AuthService service) {
    Kstatus.Result result = Kstatus.of(service);
    assertThat(result.argocd()).as("Argo CD's health where kstatus says %s", result.status())
        .isEqualTo(ARGOCD_HEALTH.get(result.status()));
    return result.status();
  }

  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> T await(Class<T> type, String name) {
    return client.resources(type).inNamespace(namespace).withName(name)
        .waitUntilCondition(r -> r != null, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  private AuthService awaitStatus(Predicate<AuthService> test) {
    try {
      return client.resources(AuthService.class).inNamespace(namespace).withName("auth")
          .waitUntilCondition(r -> r != null && r.getStatus() != null
                  && r.getStatus().getConditions() != null && test.test(r),
              TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (KubernetesClientTimeoutException e) {
      AuthService now = client.resources(AuthService.class).inNamespace(namespace).withName("auth").get();
      throw new AssertionError("not reached within " + TIMEOUT + "; the status is "
          + (now == null ? "absent" : Serialization.asYaml(now.getStatus())), e);
    }
  }

  private static void awaitCondition(java.util.function.BooleanSupplier check) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + TIMEOUT);
      }
      sleep(Duration.ofMillis(200));
    }
  }

  private static boolean has(AuthService service, String type, String reason) {
    return find(service, type).map(c -> "True".equals(c.getStatus()) && reason.equals(c.getReason()))
        .orElse(false);
  }

  private static List<String> types(AuthService service) {
    return service.getStatus().getConditions().stream().map(Condition::getType).toList();
  }

  private static Optional<Condition> find(AuthService service, String type) {
    return service.getStatus().getConditions().stream().filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static Condition condition(AuthService service, String type) {
    return find(service, type).orElseThrow(() -> new AssertionError("no " + type + " condition in "
        + service.getStatus().getConditions()));
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
