package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.ExternalRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.gatehouse.operator.api.v1alpha1.RedisMode;
import dev.gatehouse.operator.api.v1alpha1.SecretKeyReference;
import dev.gatehouse.operator.api.v1alpha1.SentinelNode;
import dev.gatehouse.operator.api.v1alpha1.SentinelSpec;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.api.v1alpha1.TlsSpec;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.support.ContractSamples;
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
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuthDeploymentTest {

  private static final String PASSWORD = "s3cret-redis-password-value";

  private final AuthDeployment dependent = new AuthDeployment();

  private static CachedSecrets generatedSecrets(AuthService primary, String password) {
    return generatedSecrets(primary, password, Map.of("k1.pem", "PEM", "active-kid", "k1"));
  }

  private static CachedSecrets generatedSecrets(AuthService primary, String password,
      Map<String, String> signingKeys) {
    String name = primary.getMetadata().getName();
    return new CachedSecrets()
        .with(AuthServiceResources.redisPasswordSecretName(name), Map.of("password", password))
        .with(AuthServiceResources.signingKeySecretName(name, PodSecrets.signingAlgorithm(primary)),
            signingKeys)
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

  /**
   * contracts/auth-pod-environment.properties, which the auth service shows it binds: the keys
   * before the first "# Only with"/"# Only without" header always, those of a section exactly when
   * the AuthService has (or lacks) the field the header names.
   */
  @Test
  void theContainerEnvironmentHasExactlyTheContractsKeys() throws IOException {
    Map<String, Set<String>> sections = contractSections();
    Map<String, Predicate<AuthService>> fields = Map.of(
        "spec.tls", primary -> primary.getSpec().getTls() != null,
        "spec.redis.external.sentinel", primary -> sentinel(primary) != null,
        "spec.redis.managed.highAvailability", primary -> primary.getSpec().getRedis()
            .operatorRunsRedis() && primary.getSpec().getRedis().getManaged().isHighlyAvailable(),
        "spec.redis.external.sentinel.passwordSecretRef",
        primary -> sentinel(primary) != null && sentinel(primary).getPasswordSecretRef() != null,
        "spec.redis.external.caSecretRef", primary -> primary.getSpec().getRedis().getExternal() != null
            && primary.getSpec().getRedis().getExternal().getCaSecretRef() != null);
    List<AuthService> variants = new ArrayList<>();
    for (String example : new String[] {"minimal.yaml", "production.yaml"}) {
      for (boolean tls : new boolean[] {false, true}) {
        for (int sentinel = 0; sentinel < 4; sentinel++) {
          AuthService primary = AuthServices.example(example);
          if (tls) {
            primary.getSpec().setTls(new TlsSpec(new SecretReference("auth-tls")));
          }
          if (sentinel == 3) {
            primary.getSpec().getRedis().getManaged().setHighAvailability(new HighAvailabilitySpec());
          } else if (sentinel > 0) {
            withSentinel(primary, sentinel == 2);
          }
          variants.add(primary);
        }
      }
    }
    variants.add(withCa(withSentinel(AuthServices.example("production.yaml"), true)));
    variants.add(withCa(AuthServices.example("production.yaml")));
    for (AuthService primary : variants) {
      Set<String> expected = new TreeSet<>();
      sections.forEach((header, keys) -> {
        if (header.isEmpty() || applies(header, fields, primary)) {
          expected.addAll(keys);
        }
      });
      assertThat(env(container(primary)).keySet()).as(Serialization.asYaml(primary.getSpec()))
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  /** The keys of the contract by section header ("" for those always set), in file order. */
  private static Map<String, Set<String>> contractSections() throws IOException {
    Map<String, Set<String>> sections = new LinkedHashMap<>();
    String header = "";
    for (String line : Files.readAllLines(
        Path.of(System.getProperty("gatehouse.contracts.dir"), "auth-pod-environment.properties"))) {
      if (line.startsWith("# Only with")) {
        header = line;
      } else if (!line.isBlank() && !line.startsWith("#")) {
        sections.computeIfAbsent(header, h -> new TreeSet<>()).add(line.substring(0, line.indexOf('=')));
      }
    }
    return sections;
  }

  /** "# Only with spec.x:" or "# Only without spec.x:" ("spec.x|spec.y": either), judged on the primary. */
  private static boolean applies(String header, Map<String, Predicate<AuthService>> fields,
      AuthService primary) {
    Matcher matcher = Pattern.compile("^# Only (with|without) (\\S+):$").matcher(header);
    assertThat(matcher.matches()).as("contract header " + header).isTrue();
    boolean has = false;
    for (String field : matcher.group(2).split("\\|")) {
      assertThat(fields).as("a test of the contract section " + header).containsKey(field);
      has |= fields.get(field).test(primary);
    }
    return has == matcher.group(1).equals("with");
  }

  private static SentinelSpec sentinel(AuthService primary) {
    ExternalRedisSpec external = primary.getSpec().getRedis().getExternal();
    return external == null ? null : external.getSentinel();
  }

  /** An external Redis behind three Sentinels, in place of the example's Redis. */
  private static AuthService withSentinel(AuthService primary, boolean sentinelPassword) {
    ExternalRedisSpec external = new ExternalRedisSpec();
    external.setPasswordSecretRef(new SecretKeyReference("redis-credentials", "password"));
    SentinelSpec sentinel = new SentinelSpec("shop-redis", List.of(
        new SentinelNode("sentinel-0.redis.data.svc", 26379),
        new SentinelNode("sentinel-1.redis.data.svc", 26379),
        new SentinelNode("10.0.0.7", 5000)));
    if (sentinelPassword) {
      sentinel.setPasswordSecretRef(new SecretKeyReference("sentinel-credentials", "sentinel-pw"));
    }
    external.setSentinel(sentinel);
    external.setHost(null);
    primary.getSpec().getRedis().setMode(RedisMode.External);
    primary.getSpec().getRedis().setExternal(external);
    return primary;
  }

  @Test
  void behindSentinelThePodsAskTheSentinelsAndWaitForOneReplica() {
    AuthService primary = withSentinel(AuthServices.example("production.yaml"), true);
    primary.getSpec().getRedis().getExternal().setTls(true);
    CachedSecrets secrets = new CachedSecrets()
        .with("redis-credentials", Map.of("password", PASSWORD))
        .with("sentinel-credentials", Map.of("sentinel-pw", "sentinel-secret-value"));
    Deployment deployment = dependent.desired(primary, secrets.context());
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(env(container))
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_MASTER", "shop-redis")
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_NODES",
            "sentinel-0.redis.data.svc:26379,sentinel-1.redis.data.svc:26379,10.0.0.7:5000")
        .containsEntry("GATEHOUSE_REDIS_SENTINEL_PASSWORDFILE",
            "/var/run/secrets/gatehouse/redis-sentinel/password")
        .containsEntry("GATEHOUSE_REDIS_PASSWORDFILE", "/var/run/secrets/gatehouse/redis/password")
        .containsEntry("GATEHOUSE_REDIS_TLS", "true")
        .containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "1")
        .doesNotContainKeys("GATEHOUSE_REDIS_HOST", "GATEHOUSE_REDIS_PORT");
    assertThat(Serialization.asYaml(deployment)).doesNotContain(PASSWORD, "sentinel-secret-value");
    assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
      assertThat(mount.getName()).isEqualTo("sentinel-password");
      assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/gatehouse/redis-sentinel");
      assertThat(mount.getReadOnly()).isTrue();
    });
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals("sentinel-password"))
        .findFirst().orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("sentinel-credentials");
    assertThat(volume.getSecret().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getKey()).isEqualTo("sentinel-pw");
      assertThat(item.getPath()).isEqualTo("password");
    });
    assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
  }

  /** TLS to the external Redis, trusting the CA in Secret redis-ca, key ca.crt. */
  private static AuthService withCa(AuthService primary) {
    primary.getSpec().getRedis().getExternal().setTls(true);
    primary.getSpec().getRedis().getExternal().setCaSecretRef(new SecretKeyReference("redis-ca", "ca.crt"));
    return primary;
  }

  @Test
  void aRedisCaIsMountedAsOneFileTheServiceIsToldOfAndRollsThePodsWhenItChanges() {
    AuthService primary = withCa(withSentinel(AuthServices.example("production.yaml"), false));
    Function<String, Deployment> desired = ca -> dependent.desired(primary, new CachedSecrets()
        .with("redis-credentials", Map.of("password", PASSWORD))
        .with("redis-ca", Map.of("ca.crt", ca))
        .context());
    Deployment deployment = desired.apply(ContractSamples.read("redis-ca/valid-one-ca.crt"));
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(env(container))
        .containsEntry("GATEHOUSE_REDIS_TLS", "true")
        .containsEntry("GATEHOUSE_REDIS_TLSCAFILE", "/var/run/secrets/gatehouse/redis-ca/ca.crt");
    assertThat(container.getVolumeMounts()).filteredOn(mount -> mount.getName().equals("redis-ca"))
        .singleElement().satisfies(mount -> {
          assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/gatehouse/redis-ca");
          assertThat(mount.getReadOnly()).isTrue();
        });
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals("redis-ca"))
        .findFirst().orElseThrow();
    assertThat(volume.getSecret().getSecretName()).isEqualTo("redis-ca");
    assertThat(volume.getSecret().getItems()).singleElement().satisfies(item -> {
      assertThat(item.getKey()).isEqualTo("ca.crt");
      assertThat(item.getPath()).isEqualTo("ca.crt");
    });
    assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
    // The service reads the CA only when it starts.
    assertThat(hash(deployment)).isEqualTo(hash(desired.apply(ContractSamples.read("redis-ca/valid-one-ca.crt"))))
        .isNotEqualTo(hash(desired.apply(ContractSamples.read("redis-ca/valid-two-cas.crt"))));
    // Without a CA the pods mount none and keep the JDK's trust store.
    primary.getSpec().getRedis().getExternal().setCaSecretRef(null);
    assertThat(env(container(primary))).doesNotContainKey("GATEHOUSE_REDIS_TLSCAFILE");
    assertThat(container(primary).getVolumeMounts()).noneMatch(mount -> mount.getName().equals("redis-ca"));
  }

  @Test
  void replicaAcksAreTheSpecsOrOneBehindSentinelAndNoneWithoutIt() {
    AuthService single = AuthServices.example("production.yaml");
    assertThat(env(container(single))).containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "0");
    single.getSpec().getRedis().getExternal().setReplicaAcks(2);
    assertThat(env(container(single))).containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "2");

    assertThat(env(container(AuthServices.example("minimal.yaml"))))
        .containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "0");

    AuthService sentinel = withSentinel(AuthServices.example("production.yaml"), false);
    assertThat(env(container(sentinel))).containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "1");
    // 0 is a choice (a set without replicas), not a missing value.
    sentinel.getSpec().getRedis().getExternal().setReplicaAcks(0);
    assertThat(env(container(sentinel))).containsEntry("GATEHOUSE_REDIS_REPLICAACKS", "0");
    assertThat(container(sentinel).getVolumeMounts())
        .noneSatisfy(mount -> assertThat(mount.getName()).isEqualTo("sentinel-password"));
  }

  @Test
  void aChangedSentinelPasswordRollsThePods() {
    AuthService primary = withSentinel(AuthServices.example("production.yaml"), true);
    Function<String, String> hashWith = password -> hash(dependent.desired(primary,
        new CachedSecrets()
            .with("redis-credentials", Map.of("password", PASSWORD))
            .with("sentinel-credentials", Map.of("sentinel-pw", password))
            .context()));

    assertThat(hashWith.apply("first")).isEqualTo(hashWith.apply("first"))
        .isNotEqualTo(hashWith.apply("second"));
  }

  @Test
  void theTemplateHashesTheClientsFileAsJudgedNotAnEditThatLandsInTheSameReconcile() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().setClientsSecretRef(new SecretReference("auth-clients"));
    CachedSecrets secrets = generatedSecrets(primary, PASSWORD).with("auth-clients",
        Map.of(PodSecrets.CLIENTS_KEY, ContractSamples.read("clients/valid-two-clients.yaml")));
    Context<AuthService> reconcile = secrets.context();
    assertThat(PodSecrets.of(primary).problems(primary, reconcile)).isEmpty();
    String judged = hash(dependent.desired(primary, reconcile));

    // The informer sees an edit the pods would refuse while the workflow runs.
    secrets.replace("auth-clients", Map.of(PodSecrets.CLIENTS_KEY,
        ContractSamples.read("clients/invalid-unknown-grant-type.yaml")));
    assertThat(hash(dependent.desired(primary, reconcile))).isEqualTo(judged);

    Context<AuthService> next = secrets.context();
    assertThat(PodSecrets.of(primary).problems(primary, next)).isNotEmpty();
    assertThat(hash(dependent.desired(primary, secrets.context()))).isNotEqualTo(judged);
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
  void signingKeysAreOutOfTheConfigHashUnlessTheirSecretIsImmutable() {
    AuthService primary = AuthServices.example("minimal.yaml");
    String name = AuthServiceResources.signingKeySecretName("auth", PodSecrets.signingAlgorithm(primary));
    String before = hash(dependent.desired(primary, generatedSecrets(primary, PASSWORD).context()));
    String rotated = hash(dependent.desired(primary, generatedSecrets(primary, PASSWORD,
        Map.of("k1.pem", "PEM", "k2.pem", "PEM2", "active-kid", "k2")).context()));
    assertThat(rotated).as("the pods re-read their keys: nothing to roll").isEqualTo(before);

    CachedSecrets immutable = generatedSecrets(primary, PASSWORD);
    immutable.secret(name).setImmutable(true);
    assertThat(hash(dependent.desired(primary, immutable.context())))
        .as("an immutable Secret is never synced into running pods").isNotEqualTo(before);
  }

  @Test
  void theClockSkewIsHandedToThePods() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().getJwt().setClockSkew("5s");
    Container container = dependent.desired(primary, generatedSecrets(primary, PASSWORD).context())
        .getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(container)).containsEntry("GATEHOUSE_JWT_CLOCKSKEW", "5s");
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
