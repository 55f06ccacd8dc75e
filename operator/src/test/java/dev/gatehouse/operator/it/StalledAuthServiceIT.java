package dev.gatehouse.operator.it;

import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.CREATING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionReasons.ROLLING_OUT;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.READY;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.RECONCILING;
import static dev.gatehouse.operator.api.v1alpha1.ConditionTypes.STALLED;
import static dev.gatehouse.operator.support.Conditions.condition;
import static dev.gatehouse.operator.support.Conditions.isTrue;
import static dev.gatehouse.operator.support.Conditions.types;
import static dev.gatehouse.operator.support.Eventually.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.SecretKeyReference;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.support.ContractSamples;
import dev.gatehouse.operator.support.ControllerStatus;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What only the cluster can judge, on a real kube-apiserver: a child it refuses, a referenced
 * Secret whose content the pods would refuse. Each is a condition whose reason names the object and
 * whose message says what to fix, with Stalled=True so that kstatus (run for real, see
 * {@link Kstatus}) says Failed; and each clears once fixed. As in AuthServiceOperatorIT, there is
 * no kube-controller-manager, so the tests write Deployment status as it would.
 */
class StalledAuthServiceIT extends AbstractOperatorIT {

  private static final Pattern SECRET_HASH = Pattern.compile("\\$(2[aby]|argon2id)\\$[^\"\\s]+");
  /** What Argo CD shows, with the check of examples/gitops/argocd, for what kstatus computes. */
  private static final Map<String, String> ARGOCD_HEALTH =
      Map.of("Current", "Healthy", "InProgress", "Progressing", "Failed", "Degraded");

  /** The operator rechecks a refusal every 30 s; a fix elsewhere in the cluster shows within that. */
  StalledAuthServiceIT() {
    super(Duration.ofSeconds(75));
  }

  @Test
  void kstatusSaysCurrentWhenReadyInProgressWhileRollingFailedForAMissingSecretAndCurrentAgain() {
    apply(example("minimal.yaml"));
    await(Deployment.class, "auth");
    assertThat(kstatus(awaitStatus(s -> isTrue(s, RECONCILING, CREATING)
        || isTrue(s, RECONCILING, ROLLING_OUT)))).isEqualTo("InProgress");

    reportPods(2);
    AuthService ready = awaitStatus(s -> "True".equals(condition(s, READY).getStatus()));
    assertThat(types(ready)).doesNotContain(RECONCILING, STALLED);
    assertThat(kstatus(ready)).isEqualTo("Current");

    // kubectl scale: the Deployment changes, and no controller has rolled it yet.
    client.resources(AuthService.class).inNamespace(namespace).withName("auth").scale(3);
    AuthService rolling = awaitStatus(s -> s.getStatus().getObservedGeneration() == 2L
        && isTrue(s, RECONCILING, ROLLING_OUT));
    assertThat(kstatus(rolling)).isEqualTo("InProgress");

    AuthService withClients = example("minimal.yaml");
    withClients.getSpec().setReplicas(3);
    withClients.getSpec().setClientsSecretRef(new SecretReference("auth-clients"));
    apply(withClients);
    AuthService missing = awaitStatus(s -> isTrue(s, STALLED, "SecretMissing"));
    assertThat(condition(missing, STALLED).getMessage())
        .contains("Secret auth-clients (spec.clientsSecretRef) does not exist in namespace " + namespace);
    assertThat(condition(missing, READY).getReason()).isEqualTo("SecretMissing");
    assertThat(kstatus(missing)).isEqualTo("Failed");

    createSecret("auth-clients",
        Map.of("clients.yaml", ContractSamples.read("clients/valid-two-clients.yaml")));
    awaitTrue(() -> deployment().getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getSecret() != null && "auth-clients".equals(v.getSecret().getSecretName())));
    reportPods(3);
    AuthService fixed = awaitStatus(s -> "True".equals(condition(s, READY).getStatus()));
    assertThat(types(fixed)).doesNotContain(STALLED, RECONCILING);
    assertThat(kstatus(fixed)).isEqualTo("Current");
  }

  @Test
  void badSecretContentKeepsThePodsOnWhatTheyHaveAndSaysWhichSecretAndKey() {
    Map<String, String> keys =
        ContractSamples.entries(ContractSamples.DIRECTORY.resolve("signing-keys/es256-valid"));
    String clients = ContractSamples.read("clients/valid-two-clients.yaml");
    createSecret("user-keys", keys);
    createSecret("auth-clients", Map.of("clients.yaml", clients));
    AuthService spec = example("minimal.yaml");
    spec.getSpec().setClientsSecretRef(new SecretReference("auth-clients"));
    spec.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("user-keys"));
    apply(spec);
    await(Deployment.class, "auth");
    reportPods(2);
    awaitStatus(s -> "True".equals(condition(s, READY).getStatus()));
    // Ready means every pod runs this template: the configuration the pods have.
    String before = templateHash(deployment());

    String unknownGrant = ContractSamples.read("clients/invalid-unknown-grant-type.yaml");
    replaceSecret("auth-clients", Map.of("clients.yaml", unknownGrant));
    Map<String, String> badKid = new TreeMap<>(keys);
    badKid.put("active-kid", "sample-2027\n");
    replaceSecret("user-keys", badKid);

    AuthService stalled = awaitStatus(s -> isTrue(s, STALLED, "SecretInvalid")
        && condition(s, STALLED).getMessage().contains("auth-clients")
        && condition(s, STALLED).getMessage().contains("user-keys"));
    String message = condition(stalled, STALLED).getMessage();
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
    replaceSecret("auth-clients",
        Map.of("clients.yaml", ContractSamples.read("clients/valid-no-scopes.yaml")));
    awaitTrue(() -> !templateHash(deployment()).equals(before));
    AuthService fixed = awaitStatus(s -> !types(s).contains(STALLED));
    assertThat(condition(fixed, RECONCILING).getReason()).isEqualTo(ROLLING_OUT);
  }

  /**
   * The CA of an external TLS Sentinel set: missing, then holding its private key too, then sound.
   * The first two are Stalled with the Secret and key named; the sound one is mounted.
   */
  @Test
  void aMissingOrInvalidRedisCaIsReportedNamingTheSecretAndKeyAndASoundOneIsMounted() {
    createSecret("redis-credentials", Map.of("password", "redis-password-value"));
    createSecret("sentinel-credentials", Map.of("password", "sentinel-password-value"));
    AuthService spec = example("external-sentinel.yaml");
    spec.getSpec().getRedis().getExternal().setTls(true);
    spec.getSpec().getRedis().getExternal().setCaSecretRef(new SecretKeyReference("redis-ca", "ca.crt"));
    apply(spec);

    AuthService missing = awaitStatus("auth-ha", s -> isTrue(s, STALLED, "SecretMissing"));
    assertThat(condition(missing, STALLED).getMessage()).contains("Secret redis-ca"
        + " (spec.redis.external.caSecretRef) does not exist in namespace " + namespace);
    assertThat(condition(missing, READY).getReason()).isEqualTo("SecretMissing");
    assertThat(kstatus(missing)).isEqualTo("Failed");

    String withKey = ContractSamples.read("redis-ca/invalid-with-private-key.crt");
    createSecret("redis-ca", Map.of("ca.crt", withKey));
    AuthService invalid = awaitStatus("auth-ha", s -> isTrue(s, STALLED, "SecretInvalid"));
    String message = condition(invalid, STALLED).getMessage();
    assertThat(message).contains("Secret redis-ca, key ca.crt: the Redis CA bundle holds a private key");
    assertThat(withKey.lines().filter(line -> line.length() >= 16 && !line.startsWith("-----")))
        .isNotEmpty().allSatisfy(line -> assertThat(message).doesNotContain(line));

    replaceSecret("redis-ca", Map.of("ca.crt", ContractSamples.read("redis-ca/valid-one-ca.crt")));
    awaitTrue(() -> Optional.ofNullable(deployment("auth-ha")).stream()
        .flatMap(d -> d.getSpec().getTemplate().getSpec().getVolumes().stream())
        .anyMatch(v -> v.getSecret() != null && "redis-ca".equals(v.getSecret().getSecretName())));
    awaitStatus("auth-ha", s -> !types(s).contains(STALLED));
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
      AuthService stalled = awaitStatus(s -> isTrue(s, STALLED, "DeploymentRejected"));
      String message = condition(stalled, STALLED).getMessage();
      assertThat(message)
          .startsWith("The API server refused Deployment auth: ValidatingAdmissionPolicy '" + policy
              + "' with binding '" + policy + "' denied request: every Deployment needs a"
              + " team.example.com/owner label.")
          .contains("admission policy")
          .doesNotContain("Exception", "Status(", "://", "Failure executing", "\tat ");
      assertThat(condition(stalled, READY).getReason()).isEqualTo("DeploymentRejected");
      assertThat(kstatus(stalled)).isEqualTo("Failed");
      assertThat(client.apps().deployments().inNamespace(namespace).withName("auth").get()).isNull();
    } finally {
      client.resource(binding).delete();
    }
    // Nothing tells the operator that the policy went: its recheck finds out.
    await(Deployment.class, "auth");
    AuthService recovered = awaitStatus(s -> !types(s).contains(STALLED));
    assertThat(condition(recovered, READY).getReason()).isNotEqualTo("DeploymentRejected");
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
    AuthService stalled = awaitStatus(s -> isTrue(s, STALLED, "DeploymentConflict"));
    assertThat(condition(stalled, STALLED).getMessage())
        .startsWith("Deployment auth already exists but is not one the operator manages")
        .contains("delete or rename it")
        .doesNotContain("Exception", "Status(", "://", "Failure executing");
    assertThat(kstatus(stalled)).isEqualTo("Failed");

    client.apps().deployments().inNamespace(namespace).withName("auth").delete();
    awaitTrue(() -> {
      Deployment now = client.apps().deployments().inNamespace(namespace).withName("auth").get();
      return now != null && now.getSpec().getSelector().getMatchLabels().containsKey(
          "app.kubernetes.io/instance");
    });
    awaitStatus(s -> !types(s).contains(STALLED));
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
    awaitTrue(() -> {
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

  private static GenericKubernetesResource generic(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  /** As {@code kubectl create secret ... --dry-run=client -o yaml | kubectl replace -f -}. */
  private void replaceSecret(String name, Map<String, String> entries) {
    client.secrets().inNamespace(namespace).withName(name).edit(secret -> {
      secret.setData(null);
      secret.setStringData(entries);
      return secret;
    });
  }

  /** Every pod of the auth Deployment runs and is ready. */
  private void reportPods(int replicas) {
    ControllerStatus.reportDeployment(client, namespace, "auth", replicas, replicas);
  }

  private AuthService awaitStatus(Predicate<AuthService> test) {
    return awaitStatus("auth", test);
  }

  private Deployment deployment() {
    return deployment("auth");
  }

  /** kstatus's verdict, checked against Argo CD's (with the shipped Lua check) for the same object. */
  private String kstatus(AuthService service) {
    Kstatus.Result result = Kstatus.of(service);
    assertThat(result.argocd()).as("Argo CD's health where kstatus says %s", result.status())
        .isEqualTo(ARGOCD_HEALTH.get(result.status()));
    return result.status();
  }

}
