package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceSpec;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.ExternalRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.gatehouse.operator.api.v1alpha1.JwtSpec;
import dev.gatehouse.operator.api.v1alpha1.PodSettings;
import dev.gatehouse.operator.api.v1alpha1.PoolSpec;
import dev.gatehouse.operator.api.v1alpha1.SentinelSpec;
import dev.gatehouse.operator.informer.SerializedStore;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.secrets.PodSecrets;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The auth pods. They read every secret as a mounted file (docs/auth-service-contract.md), run
 * under the restricted Pod Security profile, and carry a {@link ConfigHash} of what they read so a
 * rotated Secret rolls them.
 *
 * <p>Longer than 300 lines because the pod template is one object: the contract's environment,
 * each mounted Secret, the probes, the security and the placement are built in one {@code
 * desired()} that the contract test reads whole.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SELECTOR,
    itemStore = SerializedStore.class))
public class AuthDeployment extends ChildResource<Deployment> {

  static final long RUN_AS = 10001L;

  static final String SECRETS_ROOT = "/var/run/secrets/gatehouse";
  static final String REDIS_PASSWORD_FILE = SECRETS_ROOT + "/redis/password";
  static final String SENTINEL_PASSWORD_FILE = SECRETS_ROOT + "/redis-sentinel/password";
  static final String REDIS_CA_FILE = SECRETS_ROOT + "/redis-ca/ca.crt";
  static final String JWT_KEYS_DIR = SECRETS_ROOT + "/jwt";
  static final String ADMIN_TOKEN_FILE = SECRETS_ROOT + "/admin/token";
  static final String CLIENTS_FILE = SECRETS_ROOT + "/clients/" + PodSecrets.CLIENTS_KEY;
  static final String TLS_DIR = SECRETS_ROOT + "/tls";
  /** Owner read and group read: the pod's fsGroup owns the files, so the non-root user reads them. */
  private static final int SECRET_FILE_MODE = 0440;
  /**
   * How long a stopping pod keeps serving before it is told to stop: the time for its endpoint's
   * removal to reach kube-proxy and the ingress controllers, which send it new connections until
   * then. A refused connect or a closed keep-alive connection is what a shorter wait costs.
   */
  static final int DRAIN_SECONDS = 10;
  /**
   * preStop drain, then the auth service's graceful shutdown (spring.lifecycle
   * .timeout-per-shutdown-phase, 15 s, in auth-service's application.yaml: in-flight requests
   * finish), then 5 s for the JVM to exit before the kubelet's SIGKILL.
   */
  static final long TERMINATION_GRACE_SECONDS = DRAIN_SECONDS + 15 + 5;
  /** Spread by zone first, then by node: losing either must not take all auth pods at once. */
  private static final List<String> SPREAD_TOPOLOGY_KEYS =
      List.of("topology.kubernetes.io/zone", "kubernetes.io/hostname");

  public AuthDeployment() {
    super(Deployment.class, AuthServiceResources::authDeploymentName, Component.AUTH);
  }


  @Override
  protected Deployment desired(AuthService primary, Context<AuthService> context) {
    AuthServiceSpec spec = primary.getSpec();
    PodSettings pod = Optional.ofNullable(spec.getPod()).orElseGet(PodSettings::new);
    PodSecrets secrets = PodSecrets.of(primary);

    Map<String, String> podLabels = new TreeMap<>(Optional.ofNullable(pod.getLabels()).orElse(Map.of()));
    podLabels.putAll(ChildMetadata.labels(primary, Component.AUTH));
    Map<String, String> podAnnotations =
        new TreeMap<>(Optional.ofNullable(pod.getAnnotations()).orElse(Map.of()));
    podAnnotations.put(ConfigHash.ANNOTATION, configHash(secrets, context));
    // Which managed-Redis password the pods hold: RedisPasswordRotation retires the previous one
    // once no pod carries its id.
    if (secrets.redisPasswordGenerated()) {
      RedisPasswordSecret.password(PodSecrets.find(context,
              AuthServiceResources.redisPasswordSecretName(primary.getMetadata().getName())))
          .map(RedisUsersSecret::passwordId)
          .ifPresent(id -> podAnnotations.put(RedisUsersSecret.PASSWORD_ID_ANNOTATION, id));
    }

    return new DeploymentBuilder()
        .withMetadata(metadata(primary))
        .withNewSpec()
        .withReplicas(spec.getReplicas())
        .withNewSelector()
        .withMatchLabels(selector(primary))
        .endSelector()
        // An auth tier must not lose capacity during a roll: add a pod before removing one.
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        // The auth service never calls the Kubernetes API: no token in the pod.
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(RestrictedPodSecurity.pod(RUN_AS).build())
        .withNodeSelector(pod.getNodeSelector())
        .withTolerations(pod.getTolerations())
        .withAffinity(pod.getAffinity())
        .withTopologySpreadConstraints(spread(selector(primary)))
        .withPriorityClassName(pod.getPriorityClassName())
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        .withContainers(container(primary, spec, secrets))
        .withVolumes(volumes(secrets))
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Soft (ScheduleAnyway): a single-node or single-zone cluster still runs every replica. Counted
   * within one ReplicaSet (pod-template-hash), so that a rollout's new pods spread among
   * themselves instead of around the old ones. Apart from the user's affinity, which stays theirs.
   */
  private static List<TopologySpreadConstraint> spread(Map<String, String> pods) {
    return SPREAD_TOPOLOGY_KEYS.stream()
        .map(key -> new TopologySpreadConstraintBuilder()
            .withMaxSkew(1)
            .withTopologyKey(key)
            .withWhenUnsatisfiable("ScheduleAnyway")
            .withNewLabelSelector()
            .withMatchLabels(pods)
            .endLabelSelector()
            .withMatchLabelKeys("pod-template-hash")
            .build())
        .toList();
  }

  private static String configHash(PodSecrets secrets, Context<AuthService> context) {
    String redis = secrets.redisPassword().getName();
    ConfigHash hash = new ConfigHash()
        .secretKey(PodSecrets.find(context, redis), redis, secrets.redisPassword().getKey())
        .secretKey(PodSecrets.find(context, secrets.adminToken()), secrets.adminToken(),
            PodSecrets.ADMIN_TOKEN_KEY);
    secrets.clients().ifPresent(name ->
        hash.secretKey(PodSecrets.find(context, name), name, PodSecrets.CLIENTS_KEY));
    secrets.sentinelPassword().ifPresent(ref ->
        hash.secretKey(PodSecrets.find(context, ref.getName()), ref.getName(), ref.getKey()));
    // The service reads the CA once, when it starts: a new one reaches it only in new pods.
    secrets.redisCa().ifPresent(ref ->
        hash.secretKey(PodSecrets.find(context, ref.getName()), ref.getName(), ref.getKey()));
    // The pods follow their key Secret (the auth service re-reads it, SigningKeyRotation edits it
    // in place), so a key change rolls nothing; except in an immutable Secret, which the kubelet
    // no longer syncs into a running pod.
    Optional<Secret> signingKeys = PodSecrets.find(context, secrets.signingKeys());
    if (signingKeys.map(Secret::getImmutable).filter(Boolean.TRUE::equals).isPresent()) {
      hash.wholeSecret(signingKeys, secrets.signingKeys());
    }
    return hash.digest();
  }

  private static Container container(AuthService primary, AuthServiceSpec spec,
      PodSecrets secrets) {
    List<VolumeMount> mounts = new ArrayList<>(List.of(
        mount("redis-password", SECRETS_ROOT + "/redis", true),
        mount("jwt-keys", JWT_KEYS_DIR, true),
        mount("admin-token", SECRETS_ROOT + "/admin", true),
        mount("tmp", "/tmp", false)));
    secrets.clients().ifPresent(name -> mounts.add(mount("clients", SECRETS_ROOT + "/clients", true)));
    secrets.sentinelPassword().ifPresent(ref ->
        mounts.add(mount("sentinel-password", SECRETS_ROOT + "/redis-sentinel", true)));
    secrets.redisCa().ifPresent(ref -> mounts.add(mount("redis-ca", SECRETS_ROOT + "/redis-ca", true)));
    secrets.tls().ifPresent(name -> mounts.add(mount("tls", TLS_DIR, true)));
    String scheme = secrets.tls().isPresent() ? "HTTPS" : "HTTP";
    return new ContainerBuilder()
        .withName(AuthServiceResources.AUTH_CONTAINER)
        .withImage(spec.getImage())
        .addNewPort().withName("http").withContainerPort(AuthServiceResources.AUTH_HTTP_PORT)
        .withProtocol("TCP").endPort()
        .withEnv(environment(primary, spec, secrets))
        .withResources(spec.getResources())
        .withVolumeMounts(mounts)
        // Start-up (a JVM) is slow once; afterwards liveness may be strict.
        .withStartupProbe(httpProbe(scheme, "/actuator/health/liveness", 2, 60))
        .withLivenessProbe(httpProbe(scheme, "/actuator/health/liveness", 10, 3))
        .withReadinessProbe(httpProbe(scheme, "/actuator/health/readiness", 5, 2))
        // The kubelet's own sleep: the image needs no shell or sleep binary (Kubernetes 1.30+,
        // the chart's kubeVersion).
        .withNewLifecycle().withNewPreStop().withNewSleep().withSeconds((long) DRAIN_SECONDS)
        .endSleep().endPreStop().endLifecycle()
        .withSecurityContext(RestrictedPodSecurity.container())
        .build();
  }

  /** The settings of docs/auth-service-contract.md, in a fixed order. */
  static List<EnvVar> environment(AuthService primary, AuthServiceSpec spec, PodSecrets secrets) {
    ExternalRedisSpec external = spec.getRedis().getExternal();
    PoolSpec pool = Optional.ofNullable(spec.getRedis().getPool()).orElseGet(PoolSpec::new);
    JwtSpec jwt = spec.getJwt();
    String namespace = primary.getMetadata().getNamespace();
    SentinelSpec sentinel = external != null ? external.getSentinel() : null;
    List<EnvVar> environment = new ArrayList<>(List.of(
        env("SERVER_PORT", Integer.toString(AuthServiceResources.AUTH_HTTP_PORT)),
        // The JVM sizes its heap from the container's memory limit, leaving room for Netty buffers.
        // The parallel collector, named: below 1,792 MiB the JVM would pick the serial one, whose
        // pauses on one thread gave p99 95-389 ms at 10,000 req/s where this gives 11-29 ms
        // (docs/benchmarks.md, "Issue 14: the auth pod's collector").
        env("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=70 -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError"),
        env("GATEHOUSE_ENVIRONMENT", namespace + "/" + primary.getMetadata().getName())));
    // Behind Sentinel the service asks the Sentinels where the primary is and never reads
    // host and port: a value there would only mislead whoever reads the pod.
    HighAvailabilitySpec managedSentinels = external == null
        ? spec.getRedis().getManaged().getHighAvailability() : null;
    if (managedSentinels != null) {
      environment.add(env("GATEHOUSE_REDIS_SENTINEL_MASTER", AuthServiceResources.SENTINEL_MASTER_NAME));
      environment.add(env("GATEHOUSE_REDIS_SENTINEL_NODES",
          AuthServiceResources.sentinelServiceName(primary.getMetadata().getName()) + "."
              + namespace + ".svc:" + SentinelStatefulSet.SENTINEL_PORT));
    } else if (sentinel == null) {
      environment.add(env("GATEHOUSE_REDIS_HOST", external != null
          ? external.getHost()
          : AuthServiceResources.redisServiceName(primary.getMetadata().getName()) + "."
              + namespace + ".svc"));
      environment.add(env("GATEHOUSE_REDIS_PORT", Integer.toString(external != null
          ? external.getPort() : ManagedRedisStatefulSet.REDIS_PORT)));
    } else {
      environment.add(env("GATEHOUSE_REDIS_SENTINEL_MASTER", sentinel.getMasterName()));
      environment.add(env("GATEHOUSE_REDIS_SENTINEL_NODES", sentinel.getNodes().stream()
          .map(node -> node.getHost() + ":" + node.getPort())
          .collect(Collectors.joining(","))));
    }
    // The managed Sentinels' generated password, or the external set's, if it has one.
    secrets.sentinelPassword().ifPresent(ref ->
        environment.add(env("GATEHOUSE_REDIS_SENTINEL_PASSWORDFILE", SENTINEL_PASSWORD_FILE)));
    secrets.redisCa().ifPresent(ref -> environment.add(env("GATEHOUSE_REDIS_TLSCAFILE", REDIS_CA_FILE)));
    environment.addAll(List.of(
        env("GATEHOUSE_REDIS_TLS", Boolean.toString(external != null && Boolean.TRUE.equals(external.getTls()))),
        env("GATEHOUSE_REDIS_PASSWORDFILE", REDIS_PASSWORD_FILE),
        env("GATEHOUSE_REDIS_REPLICAACKS",
            Integer.toString(external != null ? external.replicaAcksOrDefault()
                : managedSentinels != null ? managedSentinels.getReplicaAcks() : 0)),
        env("GATEHOUSE_REDIS_POOL_MAXCONNECTIONS", pool.getMaxConnections().toString()),
        env("GATEHOUSE_REDIS_POOL_MINIDLE", pool.getMinIdle().toString()),
        env("GATEHOUSE_REDIS_POOL_ACQUIRETIMEOUT", pool.getAcquireTimeout()),
        env("GATEHOUSE_REDIS_POOL_MAXPENDINGACQUIRES", pool.getMaxPendingAcquires().toString()),
        env("GATEHOUSE_REDIS_POOL_HEALTHCHECKINTERVAL", pool.getHealthCheckInterval()),
        env("GATEHOUSE_JWT_ISSUER", jwt.getIssuer()),
        env("GATEHOUSE_JWT_AUDIENCES", String.join(",", jwt.getAudiences())),
        env("GATEHOUSE_JWT_ALGORITHM", jwt.getAlgorithm().name()),
        env("GATEHOUSE_JWT_ACCESSTOKENTTL", jwt.getAccessTokenTtl()),
        env("GATEHOUSE_JWT_REFRESHTOKENTTL", jwt.getRefreshTokenTtl()),
        env("GATEHOUSE_JWT_CLOCKSKEW", jwt.getClockSkew()),
        env("GATEHOUSE_JWT_KEYSDIR", JWT_KEYS_DIR),
        env("GATEHOUSE_ADMIN_TOKENFILE", ADMIN_TOKEN_FILE),
        env("GATEHOUSE_CLIENTSFILE", CLIENTS_FILE)));
    secrets.tls().ifPresent(name -> environment.add(env("GATEHOUSE_TLS_DIR", TLS_DIR)));
    return environment;
  }

  /** Sets readOnly only when true: the API server drops a false one, and SSA matching would loop. */
  private static VolumeMount mount(String volume, String path, boolean readOnly) {
    return new VolumeMountBuilder().withName(volume).withMountPath(path)
        .withReadOnly(readOnly ? Boolean.TRUE : null).build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  private static List<Volume> volumes(PodSecrets secrets) {
    List<Volume> volumes = new ArrayList<>(List.of(
        secretVolume("redis-password", secrets.redisPassword().getName(),
            item(secrets.redisPassword().getKey(), "password")),
        secretVolume("jwt-keys", secrets.signingKeys()),
        secretVolume("admin-token", secrets.adminToken(), item(PodSecrets.ADMIN_TOKEN_KEY, "token")),
        new VolumeBuilder().withName("tmp").withNewEmptyDir().withSizeLimit(
            new Quantity("64Mi")).endEmptyDir().build()));
    secrets.sentinelPassword().ifPresent(ref -> volumes.add(
        secretVolume("sentinel-password", ref.getName(), item(ref.getKey(), "password"))));
    secrets.redisCa().ifPresent(ref -> volumes.add(
        secretVolume("redis-ca", ref.getName(), item(ref.getKey(), "ca.crt"))));
    secrets.clients().ifPresent(name -> volumes.add(
        secretVolume("clients", name, item(PodSecrets.CLIENTS_KEY, PodSecrets.CLIENTS_KEY))));
    // Not in the config hash: a renewed certificate is taken by the running pods (the auth
    // service re-reads the files), so a renewal must not roll them. ca.crt is left out: the pods
    // serve the chain in tls.crt and verify no client certificates.
    secrets.tls().ifPresent(name -> volumes.add(secretVolume("tls", name,
        item(PodSecrets.TLS_CERTIFICATE_KEY, PodSecrets.TLS_CERTIFICATE_KEY),
        item(PodSecrets.TLS_KEY_KEY, PodSecrets.TLS_KEY_KEY))));
    return volumes;
  }

  /** A Secret volume of the given keys (every key without any), its files readable by the group. */
  private static Volume secretVolume(String name, String secret, KeyToPath... items) {
    return new VolumeBuilder().withName(name).withNewSecret().withSecretName(secret)
        .withItems(items).withDefaultMode(SECRET_FILE_MODE).endSecret().build();
  }

  private static KeyToPath item(String key, String path) {
    return new KeyToPath(key, null, path);
  }

  /** HTTPS probes do not verify the certificate: the kubelet never does. */
  private static Probe httpProbe(String scheme, String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet().withScheme(scheme).withPath(path).withPort(new IntOrString("http")).endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(2)
        .build();
  }
}
