package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.ManagedRedisSpec;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * A single Redis for one AuthService. It reads its password from a mounted file (never an argument
 * or an environment variable), keeps no data on disk, and rolls when the password or the config
 * changes.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ResourceLabels.MANAGED_SELECTOR))
public class ManagedRedisDeployment extends ChildResource<Deployment> {

  public static final int REDIS_PORT = 6379;
  static final String CONFIG_DIR = "/etc/gatehouse/redis";
  static final String AUTH_DIR = "/etc/gatehouse/redis-auth";
  /** The uid of the redis user in the official image. */
  private static final long REDIS_UID = 999L;

  public ManagedRedisDeployment() {
    super(Deployment.class);
  }

  public static String name(AuthService primary) {
    return primary.getMetadata().getName() + "-redis";
  }

  @Override
  String childName(AuthService primary) {
    return name(primary);
  }

  @Override
  protected Deployment desired(AuthService primary, Context<AuthService> context) {
    ManagedRedisSpec managed = primary.getSpec().getRedis().getManaged();
    String passwordSecret = RedisPasswordSecret.name(primary);
    String hash = new ConfigHash()
        .secretKey(PodSecrets.find(context, passwordSecret), passwordSecret,
            RedisPasswordSecret.REDIS_CONF_KEY)
        .value(ManagedRedisConfigMap.CONFIG_KEY, ManagedRedisConfigMap.redisConf(primary))
        .digest();
    return new DeploymentBuilder()
        .withMetadata(ChildMetadata.of(primary, name(primary), Component.REDIS))
        .withNewSpec()
        .withReplicas(1)
        // Two Redis pods of one Deployment would be two separate stores: never overlap them.
        .withNewStrategy().withType("Recreate").endStrategy()
        .withNewSelector()
        .withMatchLabels(ResourceLabels.selector(primary, Component.REDIS))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(ResourceLabels.of(primary, Component.REDIS))
        .addToAnnotations(ConfigHash.ANNOTATION, hash)
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(REDIS_UID)
        .withRunAsGroup(REDIS_UID)
        .withFsGroup(REDIS_UID)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
        .endSecurityContext()
        .addNewContainer()
        .withName("redis")
        .withImage(managed.getImage())
        .withCommand("redis-server")
        .withArgs(CONFIG_DIR + "/" + ManagedRedisConfigMap.CONFIG_KEY)
        .addNewPort().withName("redis").withContainerPort(REDIS_PORT).withProtocol("TCP").endPort()
        .withResources(managed.getResources())
        .withVolumeMounts(
            new VolumeMountBuilder().withName("config").withMountPath(CONFIG_DIR).withReadOnly(true).build(),
            new VolumeMountBuilder().withName("auth").withMountPath(AUTH_DIR).withReadOnly(true).build(),
            new VolumeMountBuilder().withName("data").withMountPath("/data").build())
        // A TCP check needs no password, so no password goes into a probe command.
        .withReadinessProbe(tcpProbe(5))
        .withLivenessProbe(tcpProbe(10))
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .endSecurityContext()
        .endContainer()
        .addNewVolume().withName("config").withNewConfigMap()
        .withName(ManagedRedisConfigMap.name(primary)).endConfigMap().endVolume()
        .addNewVolume().withName("auth").withNewSecret()
        .withSecretName(passwordSecret)
        .addNewItem().withKey(RedisPasswordSecret.REDIS_CONF_KEY)
        .withPath(RedisPasswordSecret.REDIS_CONF_KEY).endItem()
        .withDefaultMode(0440)
        .endSecret().endVolume()
        .addNewVolume().withName("data").withNewEmptyDir().withSizeLimit(new Quantity("64Mi"))
        .endEmptyDir().endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Probe tcpProbe(int periodSeconds) {
    return new ProbeBuilder()
        .withNewTcpSocket().withPort(new IntOrString("redis")).endTcpSocket()
        .withPeriodSeconds(periodSeconds)
        .build();
  }
}
