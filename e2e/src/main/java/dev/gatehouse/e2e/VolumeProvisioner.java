package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic provisioner of the cluster in a box, in the spirit of rancher's local-path-provisioner:
 * it installs the StorageClass {@value #STORAGE_CLASS} (the cluster's default, binding
 * {@code Immediate}) and, for each pending PersistentVolumeClaim of that class, creates a directory on
 * this machine and a {@code hostPath} PersistentVolume for it, pre-bound to the claim
 * ({@code claimRef}); the real kube-controller-manager's PV controller then binds the two. When such a
 * volume is Released (its claim deleted) and its reclaim policy is Delete, the directory goes, then
 * the PersistentVolume, once no process of the {@link PodRunner} still uses it.
 *
 * <p>Started by the {@link PodRunner}, which maps a pod's claim to the directory (the "node's" disk).
 */
final class VolumeProvisioner implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VolumeProvisioner.class);

  /** The cluster's default StorageClass: a claim that names no class gets it (DefaultStorageClass admission). */
  static final String STORAGE_CLASS = "gatehouse-local";
  static final String PROVISIONER = "gatehouse.dev/cluster-in-a-box";
  /** What the PV controller reads to tell a volume of an external provisioner from an in-tree one. */
  private static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  private static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
  private static final long RETRY_SECONDS = 2;

  private final KubernetesClient client;
  private final Path root;
  /** True while a running process has the directory as a mount: such a volume is not deleted yet. */
  private final Predicate<Path> inUse;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "volume-provisioner"));
  private final SharedIndexInformer<PersistentVolumeClaim> claims;
  private final SharedIndexInformer<PersistentVolume> volumes;
  private volatile boolean closed;

  private VolumeProvisioner(KubernetesClient client, Path root, Predicate<Path> inUse) {
    this.client = client;
    this.root = root;
    this.inUse = inUse;
    this.claims = client.persistentVolumeClaims().inAnyNamespace().runnableInformer(0);
    this.volumes = client.persistentVolumes().runnableInformer(0);
  }

  /** Installs the StorageClass and starts provisioning; returns once both watches are in sync. */
  static VolumeProvisioner start(KubernetesClient client, Path root, Predicate<Path> inUse) {
    try {
      Files.createDirectories(root);
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    VolumeProvisioner provisioner = new VolumeProvisioner(client, root.toAbsolutePath().normalize(), inUse);
    provisioner.installStorageClass();
    provisioner.claims.addEventHandler(handler(claim ->
        provisioner.schedule(() -> provisioner.provision(claim.getMetadata().getNamespace(),
            claim.getMetadata().getName()), 0)));
    provisioner.volumes.addEventHandler(handler(volume ->
        provisioner.schedule(() -> provisioner.reclaim(volume.getMetadata().getName()), 0)));
    provisioner.volumes.run();
    provisioner.claims.run();
    log.info("Volume provisioner {} (StorageClass {}) keeps volumes in {}", PROVISIONER, STORAGE_CLASS, root);
    return provisioner;
  }

  private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> onChange) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        onChange.accept(object);
      }

      @Override
      public void onUpdate(T old, T object) {
        onChange.accept(object);
      }

      @Override
      public void onDelete(T object, boolean deletedFinalStateUnknown) {
        onChange.accept(object);
      }
    };
  }

  private void installStorageClass() {
    StorageClass storageClass = new StorageClassBuilder()
        .withNewMetadata().withName(STORAGE_CLASS).addToAnnotations(DEFAULT_CLASS, "true").endMetadata()
        .withProvisioner(PROVISIONER)
        .withReclaimPolicy("Delete")
        .withVolumeBindingMode("Immediate")
        .build();
    client.storage().v1().storageClasses().resource(storageClass).forceConflicts().serverSideApply();
  }

  private void schedule(Runnable task, long delaySeconds) {
    if (closed) {
      return;
    }
    executor.schedule(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        if (!closed) {
          log.error("Volume provisioner step failed; it runs again on the next change", e);
        }
      }
    }, delaySeconds, TimeUnit.SECONDS);
  }

  /** A directory and a pre-bound PersistentVolume for a pending claim of the class. */
  private void provision(String namespace, String name) {
    PersistentVolumeClaim claim = claims.getStore().getByKey(namespace + "/" + name);
    if (claim == null || claim.getMetadata().getDeletionTimestamp() != null
        || !STORAGE_CLASS.equals(claim.getSpec().getStorageClassName())
        || claim.getSpec().getVolumeName() != null
        || (claim.getStatus() != null && !"Pending".equals(claim.getStatus().getPhase())
            && claim.getStatus().getPhase() != null)) {
      return;
    }
    String volumeName = "pvc-" + claim.getMetadata().getUid();
    if (volumes.getStore().getByKey(volumeName) != null) {
      return;
    }
    if ("Block".equals(claim.getSpec().getVolumeMode())) {
      log.error("Claim {}/{} asks for a block device; {} provisions directories only", namespace, name, PROVISIONER);
      return;
    }
    Quantity size = Optional.ofNullable(claim.getSpec().getResources())
        .map(r -> r.getRequests()).map(r -> r.get("storage")).orElse(null);
    if (size == null) {
      log.error("Claim {}/{} requests no storage size", namespace, name);
      return;
    }
    Path dir = root.resolve(volumeName);
    try {
      Files.createDirectories(dir);
      // The pod's process runs as this user (no fsGroup here); nobody else needs the data.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PersistentVolume volume = new PersistentVolumeBuilder()
        .withNewMetadata().withName(volumeName).addToAnnotations(PROVISIONED_BY, PROVISIONER).endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", size))
        .withAccessModes(claim.getSpec().getAccessModes())
        .withVolumeMode("Filesystem")
        .withPersistentVolumeReclaimPolicy("Delete")
        .withStorageClassName(STORAGE_CLASS)
        .withClaimRef(new ObjectReferenceBuilder().withApiVersion("v1").withKind("PersistentVolumeClaim")
            .withNamespace(namespace).withName(name).withUid(claim.getMetadata().getUid()).build())
        .withNewHostPath().withPath(dir.toString()).withType("Directory").endHostPath()
        .endSpec()
        .build();
    try {
      client.persistentVolumes().resource(volume).create();
      log.info("Provisioned {} ({}) for claim {}/{} at {}", volumeName, size, namespace, name, dir);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /** The reclaim policy Delete: a Released volume of ours loses its directory, then its object. */
  private void reclaim(String volumeName) {
    PersistentVolume volume = volumes.getStore().getByKey(volumeName);
    if (volume != null && !PROVISIONER.equals(annotation(volume, PROVISIONED_BY))) {
      return;
    }
    boolean released = volume != null && volume.getStatus() != null
        && "Released".equals(volume.getStatus().getPhase())
        && "Delete".equals(volume.getSpec().getPersistentVolumeReclaimPolicy());
    // Deleted by someone else: its directory still goes (only a directory of ours, by name).
    boolean gone = volume == null;
    if (!released && !gone) {
      return;
    }
    Path dir = root.resolve(volumeName);
    if (!dir.normalize().startsWith(root)) {
      return;
    }
    if (inUse.test(dir)) {
      log.info("Volume {} is released but a process still has {}; waiting", volumeName, dir);
      schedule(() -> reclaim(volumeName), RETRY_SECONDS);
      return;
    }
    Directories.deleteRecursively(dir);
    if (released && volume.getMetadata().getDeletionTimestamp() == null) {
      client.persistentVolumes().withName(volumeName).delete();
      log.info("Deleted released volume {} and {}", volumeName, dir);
    }
  }

  private static String annotation(PersistentVolume volume, String name) {
    return Optional.ofNullable(volume.getMetadata().getAnnotations()).map(a -> a.get(name)).orElse(null);
  }

  @Override
  public void close() {
    closed = true;
    claims.close();
    volumes.close();
    executor.shutdownNow();
  }
}
