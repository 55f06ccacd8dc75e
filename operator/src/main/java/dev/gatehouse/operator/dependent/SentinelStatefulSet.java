package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.ManagedRedisSpec;
import dev.gatehouse.operator.informer.SerializedStore;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.secrets.PodSecrets;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The Sentinels of a highly available managed Redis: {@code redis-server sentinel.conf
 * --sentinel} from the managed Redis image, spread over the nodes. Sentinel must rewrite its
 * configuration file, so an init container copies the ConfigMap's into an emptyDir; a Sentinel
 * whose pod is replaced starts afresh and is told again what to monitor by {@link RedisReplication}.
 * No volume claim: what a Sentinel knows, the others and the Redis pods know too. Its own password
 * is a file mounted from {@link SentinelPasswordSecret} and included by sentinel.conf, never an
 * argument or an environment variable; the template carries its hash, so a new one rolls them.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SENTINEL_SELECTOR,
    itemStore = SerializedStore.class))
public class SentinelStatefulSet extends ChildResource<StatefulSet> {

  public static final int SENTINEL_PORT = 26379;
  static final String STATE_DIR = "/sentinel";
  static final String CONFIG_DIR = "/etc/gatehouse/sentinel";
  /** The Sentinels' password file's directory: where the auth pods mount that Secret too. */
  static final String AUTH_DIR = "/var/run/secrets/gatehouse/redis-sentinel";

  public SentinelStatefulSet() {
    super(StatefulSet.class, AuthServiceResources::sentinelStatefulSetName, Component.SENTINEL);
  }

  @Override
  protected StatefulSet desired(AuthService primary, Context<AuthService> context) {
    ManagedRedisSpec managed = primary.getSpec().getRedis().getManaged();
    String instance = primary.getMetadata().getName();
    String passwordSecret = AuthServiceResources.sentinelPasswordSecretName(instance);
    VolumeMount state = new VolumeMountBuilder().withName("state").withMountPath(STATE_DIR).build();
    return new StatefulSetBuilder()
        .withMetadata(metadata(primary))
        .withNewSpec()
        .withReplicas(managed.getHighAvailability().getSentinels())
        .withServiceName(AuthServiceResources.sentinelServiceName(instance))
        .withPodManagementPolicy("Parallel")
        .withNewSelector()
        .withMatchLabels(selector(primary))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(ChildMetadata.labels(primary, Component.SENTINEL))
        .addToAnnotations(ConfigHash.ANNOTATION, new ConfigHash()
            .value(SentinelConfigMap.CONFIG_KEY, SentinelConfigMap.sentinelConf())
            .secretKey(PodSecrets.find(context, passwordSecret), passwordSecret,
                SentinelPasswordSecret.AUTH_CONF_KEY)
            .digest())
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withSecurityContext(RestrictedPodSecurity.pod(ManagedRedisStatefulSet.REDIS_UID).build())
        .withAffinity(ManagedRedisStatefulSet.spreadOverNodes(selector(primary)))
        .addNewInitContainer()
        .withName("config")
        .withImage(managed.getImage())
        .withCommand("cp", CONFIG_DIR + "/" + SentinelConfigMap.CONFIG_KEY,
            STATE_DIR + "/" + SentinelConfigMap.CONFIG_KEY)
        .withResources(resources())
        .withVolumeMounts(
            new VolumeMountBuilder().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).build(),
            state)
        .withSecurityContext(RestrictedPodSecurity.container())
        .endInitContainer()
        .addNewContainer()
        .withName("sentinel")
        .withImage(managed.getImage())
        .withCommand("redis-server")
        .withArgs(STATE_DIR + "/" + SentinelConfigMap.CONFIG_KEY, "--sentinel")
        .addNewPort().withName("sentinel").withContainerPort(SENTINEL_PORT).withProtocol("TCP").endPort()
        .withResources(resources())
        .withVolumeMounts(state,
            new VolumeMountBuilder().withName("auth").withMountPath(AUTH_DIR).withReadOnly(true).build())
        .withReadinessProbe(new ProbeBuilder()
            .withNewTcpSocket().withPort(new IntOrString("sentinel")).endTcpSocket()
            .withPeriodSeconds(5).build())
        .withLivenessProbe(new ProbeBuilder()
            .withNewTcpSocket().withPort(new IntOrString("sentinel")).endTcpSocket()
            .withPeriodSeconds(10).build())
        .withSecurityContext(RestrictedPodSecurity.container())
        .endContainer()
        .withVolumes(
            new VolumeBuilder().withName("config").withNewConfigMap()
                .withName(AuthServiceResources.sentinelConfigMapName(instance)).endConfigMap().build(),
            new VolumeBuilder().withName("state").withNewEmptyDir()
                .withSizeLimit(new Quantity("16Mi")).endEmptyDir().build(),
            new VolumeBuilder().withName("auth").withNewSecret().withSecretName(passwordSecret)
                .addNewItem().withKey(SentinelPasswordSecret.AUTH_CONF_KEY)
                .withPath(SentinelPasswordSecret.AUTH_CONF_KEY).endItem()
                .withDefaultMode(0440)
                .endSecret().build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** A Sentinel holds a few kilobytes of state and answers a handful of clients: a few MiB. */
  private static ResourceRequirements resources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("20m"))
        .addToRequests("memory", new Quantity("32Mi"))
        .addToLimits("memory", new Quantity("64Mi"))
        .build();
  }
}
