package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.RedisMode;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.api.v1alpha1.TlsSpec;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.secrets.PodSecrets;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuthDeploymentTest {

  private static final String PASSWORD = "s3cret-redis-password-value";

  private final AuthDeployment dependent = new AuthDeployment();

  private static CachedSecrets generatedSecrets(AuthService primary, String password) {
    String name = primary.getMetadata().getName();
    return new CachedSecrets()
        .with(AuthServiceResources.redisPasswordSecretName(name), Map.of("password", password))
        .with(AuthServiceResources.signingKeySecretName(name, PodSecrets.signingAlgorithm(primary)),
            Map.of("k1.pem", "PEM", "active-kid", "k1"))
        .with(AuthServiceResources.adminTokenSecretName(name), Map.of("token", "admin-token-value"));
  }

  @Test
  void podReadsEverySecretAsAMountedFileAndNeverAsAValue() {
    AuthService primary = AuthServices.example("minimal.yaml");
    Deployment deployment = dependent.desired(primary, generatedSecrets(primary, PASSWORD).context());

    String yaml = Serialization.asYaml(deployment);
    assertThat(yaml).doesNotContain(PASSWORD, "admin-token-value", "requirepass");
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getEnv()).allSatisfy(env -> assertThat(env.getValueFrom()).isNull());
    assertThat(env(container)).containsEntry("GATEHOUSE_REDIS_PASSWORDFILE",
        "/var/run/secrets/gatehouse/redis/password");

    Map<String, Volume> volumes = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .collect(Collectors.toMap(Volume::getName, Function.identity()));
    assertThat(volumes.get("redis-password").getSecret().getSecretName()).isEqualTo("auth-redis-password");
    assertThat(volumes.get("redis-password").getSecret().getItems().get(0).getKey()).isEqualTo("password");
    assertThat(volumes.get("jwt-keys").getSecret().getSecretName()).isEqualTo("auth-jwt-es256");
    assertThat(volumes.get("admin-token").getSecret().getSecretName()).isEqualTo("auth-admin-token");
  }

  /** contracts/auth-pod-environment.properties, which the auth service shows it binds. */
  @Test
  void theContainerEnvironmentHasExactlyTheContractsKeys() throws IOException {
    Properties contract = new Properties();
    try (Reader reader = Files.newBufferedReader(
        Path.of(System.getProperty("gatehouse.contracts.dir"), "auth-pod-environment.properties"))) {
      contract.load(reader);
    }
    Set<String> withoutTls = new TreeSet<>(contract.stringPropertyNames());
    withoutTls.remove("GATEHOUSE_TLS_DIR");
    for (String example : new String[] {"minimal.yaml", "production.yaml"}) {
      AuthService primary = AuthServices.example(example);
      assertThat(env(container(primary)).keySet()).as(example)
          .containsExactlyInAnyOrderElementsOf(withoutTls);

      primary.getSpec().setTls(new TlsSpec(new SecretReference("auth-tls")));
      assertThat(env(container(primary)).keySet()).as(example + " with spec.tls")
          .containsExactlyInAnyOrderElementsOf(contract.stringPropertyNames());
    }
  }

  @Test
  void withTlsThePodsServeHttpsFromTheSecretAndARenewalDoesNotRollThem() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().setTls(new TlsSpec(new SecretReference("auth-tls")));
    CachedSecrets secrets = generatedSecrets(primary, PASSWORD)
        .with("auth-tls", Map.of("tls.crt", "first", "tls.key", "first-key", "ca.crt", "ca"));
    Deployment deployment = dependent.desired(primary, secrets.context());
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(env(container)).containsEntry("GATEHOUSE_TLS_DIR", "/var/run/secrets/gatehouse/tls");
    assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
      assertThat(mount.getName()).isEqualTo("tls");
      assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/gatehouse/tls");
      assertThat(mount.getReadOnly()).isTrue();
    });
    Volume tls = pod.getVolumes().stream().filter(v -> v.getName().equals("tls")).findFirst().orElseThrow();
    assertThat(tls.getSecret().getSecretName()).isEqualTo("auth-tls");
    assertThat(tls.getSecret().getItems()).extracting(item -> item.getKey())
        .containsExactly("tls.crt", "tls.key");
    assertThat(List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()))
        .allSatisfy(probe -> assertThat(probe.getHttpGet().getScheme()).isEqualTo("HTTPS"));

    Deployment renewed = dependent.desired(primary, generatedSecrets(primary, PASSWORD)
        .with("auth-tls", Map.of("tls.crt", "second", "tls.key", "second-key", "ca.crt", "ca")).context());
    assertThat(renewed.getSpec().getTemplate().getMetadata().getAnnotations())
        .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getAnnotations());

    Container plain = container(AuthServices.example("minimal.yaml"));
    assertThat(plain.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTP");
  }

  private Container container(AuthService primary) {
    return dependent.desired(primary, generatedSecrets(primary, PASSWORD).context())
        .getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void podMeetsTheRestrictedPodSecurityStandard() {
    AuthService primary = AuthServices.example("minimal.yaml");
    PodSpec pod = dependent.desired(primary, generatedSecrets(primary, PASSWORD).context())
        .getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
  }

  @Test
  void configHashIsStableAndChangesWhenAPasswordIsRotated() {
    AuthService primary = AuthServices.example("minimal.yaml");

    String first = hash(dependent.desired(primary, generatedSecrets(primary, PASSWORD).context()));
    String again = hash(dependent.desired(primary, generatedSecrets(primary, PASSWORD).context()));
    String rotated = hash(dependent.desired(primary, generatedSecrets(primary, "another").context()));

    assertThat(first).hasSize(64).isEqualTo(again).isNotEqualTo(rotated);
  }

  @Test
  void desiredIsDeterministic() {
    AuthService primary = AuthServices.example("production.yaml");
    CachedSecrets secrets = new CachedSecrets()
        .with("redis-credentials", Map.of("password", PASSWORD));

    assertThat(Serialization.asYaml(dependent.desired(primary, secrets.context())))
        .isEqualTo(Serialization.asYaml(dependent.desired(primary, secrets.context())));
  }

  @Test
  void externalRedisSettingsComeFromTheSpecAndThePasswordFromTheUsersSecret() {
    AuthService primary = AuthServices.example("production.yaml");
    Deployment deployment = dependent.desired(primary, new CachedSecrets().context());
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(env(container))
        .containsEntry("GATEHOUSE_REDIS_HOST", "redis.data.svc.cluster.local")
        .containsEntry("GATEHOUSE_REDIS_PORT", "6380")
        .containsEntry("GATEHOUSE_REDIS_TLS", "true")
        .containsEntry("GATEHOUSE_REDIS_POOL_MAXCONNECTIONS", "32")
        .containsEntry("GATEHOUSE_REDIS_POOL_ACQUIRETIMEOUT", "500ms")
        .containsEntry("GATEHOUSE_JWT_ALGORITHM", "RS256")
        .containsEntry("GATEHOUSE_JWT_AUDIENCES", "storefront-api,orders-api");
    Volume password = deployment.getSpec().getTemplate().getSpec().getVolumes().get(0);
    assertThat(password.getSecret().getSecretName()).isEqualTo("redis-credentials");
    assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("500m");
  }

  /**
   * An AuthService stored before redis.mode existed reads as mode Managed (the CRD's default) even
   * when it names an external Redis; it keeps using that Redis, and no managed one is made for it.
   */
  @Test
  void anExternalRedisStoredBeforeTheModeFieldIsStillTheOneUsed() {
    AuthService primary = AuthServices.example("production.yaml");
    primary.getSpec().getRedis().setMode(RedisMode.Managed);
    Deployment deployment = dependent.desired(primary, new CachedSecrets().context());

    assertThat(ManagedRedisEnabled.isManaged(primary)).isFalse();
    assertThat(env(deployment.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .containsEntry("GATEHOUSE_REDIS_HOST", "redis.data.svc.cluster.local");
    assertThat(PodSecrets.of(primary).redisPassword().getName()).isEqualTo("redis-credentials");
  }

  @Test
  void clientsSecretIsMountedAsTheClientsFileAndRollsThePodsWhenItChanges() {
    AuthService primary = AuthServices.example("production.yaml");
    CachedSecrets before = new CachedSecrets().with("auth-prod-clients", Map.of("clients.yaml", "a"));
    CachedSecrets after = new CachedSecrets().with("auth-prod-clients", Map.of("clients.yaml", "b"));
    Deployment deployment = dependent.desired(primary, before.context());
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(env(container)).containsEntry("GATEHOUSE_CLIENTSFILE",
        "/var/run/secrets/gatehouse/clients/clients.yaml");
    assertThat(container.getVolumeMounts()).anySatisfy(m -> {
      assertThat(m.getName()).isEqualTo("clients");
      assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/gatehouse/clients");
    });
    assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> "clients".equals(v.getName())).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("auth-prod-clients"));
    assertThat(hash(deployment)).isNotEqualTo(hash(dependent.desired(primary, after.context())));
  }

  @Test
  void userPodLabelsCannotTakeOverTheOperatorsLabels() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().setPod(new dev.gatehouse.operator.api.v1alpha1.PodSettings());
    primary.getSpec().getPod().setLabels(Map.of("app.kubernetes.io/instance", "someone-else",
        "team", "identity"));

    Map<String, String> labels = dependent.desired(primary, new CachedSecrets().context())
        .getSpec().getTemplate().getMetadata().getLabels();

    assertThat(labels).containsEntry("app.kubernetes.io/instance", "auth").containsEntry("team", "identity");
  }

  @Test
  void podsGetTheDefaultResourcesUnlessTheSpecNamesItsOwn() {
    AuthService minimal = AuthServices.example("minimal.yaml");
    Container defaulted = container(dependent.desired(minimal, new CachedSecrets().context()));
    assertThat(defaulted.getResources().getRequests())
        .isEqualTo(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("320Mi")));
    assertThat(defaulted.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("512Mi")));

    // Replaced as a whole, not merged key by key: no default CPU request rides along.
    AuthService own = AuthServices.example("minimal.yaml");
    own.getSpec().setResources(new ResourceRequirementsBuilder()
        .addToLimits("memory", new Quantity("1Gi")).build());
    Container chosen = container(dependent.desired(own, new CachedSecrets().context()));
    assertThat(chosen.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("1Gi")));
    assertThat(chosen.getResources().getRequests()).isEmpty();

    AuthService none = AuthServices.example("minimal.yaml");
    none.getSpec().setResources(new ResourceRequirements());
    assertThat(container(dependent.desired(none, new CachedSecrets().context())).getResources())
        .isEqualTo(new ResourceRequirements());
  }

  @Test
  void replicasSpreadOverZonesAndNodesBesideTheUsersOwnAffinity() {
    AuthService primary = AuthServices.example("production.yaml");
    PodSpec pod = dependent.desired(primary, new CachedSecrets().context())
        .getSpec().getTemplate().getSpec();

    assertThat(pod.getTopologySpreadConstraints())
        .extracting(TopologySpreadConstraint::getTopologyKey)
        .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    assertThat(pod.getTopologySpreadConstraints()).allSatisfy(spread -> {
      assertThat(spread.getMaxSkew()).isEqualTo(1);
      assertThat(spread.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      assertThat(spread.getLabelSelector().getMatchLabels()).isEqualTo(
          AuthServiceResources.selector(primary.getMetadata().getName(), Component.AUTH));
      assertThat(spread.getMatchLabelKeys()).containsExactly("pod-template-hash");
    });
    assertThat(pod.getAffinity()).isEqualTo(primary.getSpec().getPod().getAffinity());
    assertThat(pod.getAffinity().getPodAntiAffinity()
        .getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
  }

  @Test
  void aStoppingPodKeepsServingUntilItsEndpointIsGoneThenDrains() {
    AuthService primary = AuthServices.example("minimal.yaml");
    PodSpec pod = dependent.desired(primary, new CachedSecrets().context())
        .getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(container.getLifecycle().getPreStop().getSleep().getSeconds()).isEqualTo(10L);
    assertThat(container.getLifecycle().getPreStop().getExec()).isNull();
    // The drain, then the service's own graceful shutdown (15 s), then time to exit.
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThanOrEqualTo(10L + 15L + 1L);
  }

  private static Container container(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> env(Container container) {
    return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static String hash(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
  }
}
