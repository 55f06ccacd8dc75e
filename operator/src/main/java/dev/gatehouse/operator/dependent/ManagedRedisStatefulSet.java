package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.api.v1alpha1.ManagedRedisSpec;
import dev.gatehouse.operator.api.v1alpha1.RedisStorageSpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The managed Redis of one AuthService: a StatefulSet of one pod (or, highly available, a primary
 * and its replicas, which {@link RedisReplication} sets up and Sentinel then follows) whose data (the append-only file
 * and RDB snapshots) lives on a PersistentVolumeClaim, so a restarted, evicted or rescheduled Redis
 * comes back with every user, refresh family and revocation. It reads its accepted passwords from
 * {@link RedisUsersSecret} as a mounted file (never an argument or an environment variable).
 *
 * <p>Its pod template carries a hash of redis.conf only, not of the passwords: a password rotation
 * reaches the running Redis through {@link RedisPasswordRotation}, so it never restarts Redis.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SELECTOR,
    itemStore = SerializedStore.class))
public class ManagedRedisStatefulSet extends ChildResource<StatefulSet> {

  public static final int REDIS_PORT = 6379;
  static final String DATA_DIR = "/data";
  static final String CONFIG_DIR = "/etc/gatehouse/redis";
  static final String AUTH_DIR = "/etc/gatehouse/redis-auth";
  /** The uid of the redis user in the official image (the Sentinels run it too). */
  static final long REDIS_UID = 999L;
  /**
   * On SIGTERM Redis fsyncs the AOF and writes a final RDB snapshot; a large dataset takes seconds
   * to snapshot. Killed during it, Redis loses nothing (the AOF is complete), only the restart's
   * faster load.
   */
  private static final long TERMINATION_GRACE_SECONDS = 60L;

  public ManagedRedisStatefulSet() {
    super(StatefulSet.class, AuthServiceResources::redisStatefulSetName, Component.REDIS);
  }


  @Override
  protected StatefulSet desired(AuthService primary, Context<AuthService> context) {
    ManagedRedisSpec managed = primary.getSpec().getRedis().getManaged();
    boolean highlyAvailable = managed.isHighlyAvailable();
    String instance = primary.getMetadata().getName();
    String hash = new ConfigHash()
        .value(ManagedRedisConfigMap.CONFIG_KEY, ManagedRedisConfigMap.redisConf(primary))
        .digest();
    List<Volume> volumes = new ArrayList<>(List.of(
        new VolumeBuilder().withName("config").withNewConfigMap()
            .withName(AuthServiceResources.redisConfigMapName(instance)).endConfigMap().build(),
        new VolumeBuilder().withName("auth").withNewSecret()
            .withSecretName(AuthServiceResources.redisUsersSecretName(instance))
            .withItems(authFiles(highlyAvailable))
            .withDefaultMode(0440)
            .endSecret().build()));
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    if (managed.isPersistent()) {
      claims.add(claimTemplate(primary, managed.getStorage()));
    } else {
      volumes.add(new VolumeBuilder().withName(AuthServiceResources.REDIS_DATA_VOLUME)
          .withNewEmptyDir()
          .withSizeLimit(new Quantity("64Mi")).endEmptyDir().build());
    }
    return new StatefulSetBuilder()
        .withMetadata(metadata(primary))
        .withNewSpec()
        // One Redis, or a primary and its replicas: without Sentinel a second pod would be a
        // second, separate store.
        .withReplicas(highlyAvailable ? managed.getHighAvailability().getReplicas() : 1)
        // With replicas, a pod that cannot start (its node is gone) must not hold back the
        // others' replacements: Sentinel, not the start order, decides which one is the primary.
        .withPodManagementPolicy(highlyAvailable ? "Parallel" : null)
        .withServiceName(AuthServiceResources.redisServiceName(instance))
        .withNewSelector()
        .withMatchLabels(selector(primary))
        .endSelector()
        // Retain (Kubernetes' default, said aloud): deleting the AuthService, or a mistaken
        // delete of the StatefulSet, leaves the data; docs/operator.md says how to remove it.
        .withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenDeleted("Retain").withWhenScaled("Retain")
        .endPersistentVolumeClaimRetentionPolicy()
        .withVolumeClaimTemplates(claims)
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(ChildMetadata.labels(primary, Component.REDIS))
        .addToAnnotations(ConfigHash.ANNOTATION, hash)
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(TERMINATION_GRACE_SECONDS)
        // A large volume is not walked on every start once its owner is right.
        .withSecurityContext(RestrictedPodSecurity.pod(REDIS_UID)
            .withFsGroupChangePolicy("OnRootMismatch").build())
        .withAffinity(highlyAvailable ? spreadOverNodes(selector(primary)) : null)
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
            new VolumeMountBuilder().withName(AuthServiceResources.REDIS_DATA_VOLUME)
                .withMountPath(DATA_DIR).build())
        // A TCP check needs no password, so no password goes into a probe command.
        .withReadinessProbe(tcpProbe(5))
        .withLivenessProbe(tcpProbe(10))
        .withSecurityContext(RestrictedPodSecurity.container())
        .endContainer()
        .withVolumes(volumes)
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static List<KeyToPath> authFiles(boolean highlyAvailable) {
    List<KeyToPath> files = new ArrayList<>(List.of(new KeyToPath(RedisUsersSecret.USERS_KEY, null,
        RedisUsersSecret.USERS_KEY)));
    if (highlyAvailable) {
      files.add(new KeyToPath(RedisUsersSecret.REPLICATION_KEY, null, RedisUsersSecret.REPLICATION_KEY));
    }
    return files;
  }

  /**
   * Preferred, not required: a cluster with fewer nodes than pods still runs them all, but a
   * node's loss takes as few of them as the nodes allow. For the Redis pods and the Sentinels.
   */
  static Affinity spreadOverNodes(Map<String, String> pods) {
    return new AffinityBuilder()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector().withMatchLabels(pods).endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .build();
  }

  private static PersistentVolumeClaim claimTemplate(AuthService primary, RedisStorageSpec storage) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(AuthServiceResources.REDIS_DATA_VOLUME)
        .withLabels(ChildMetadata.labels(primary, Component.REDIS))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(storage.getStorageClassName())
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(storage.getSize())))
        .endResources()
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
