package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the kubelet would mount into one container, laid out in a private directory on this machine:
 * Secret and ConfigMap volumes as files (the keys or items the pod asks for), emptyDirs as empty
 * directories. A PersistentVolumeClaim is not laid out there: its mount is the bound
 * PersistentVolume's directory ({@link VolumeProvisioner}), which outlives the pod, as a node's disk
 * does. Paths in the container (env values, arguments, config files that name other mounts) are
 * mapped to those directories with {@link #localPath}.
 */
final class PodVolumes {

  private final Path root;
  /** Mount path in the container → directory on this machine; longest mount path first. */
  private final Map<String, Path> mounts;
  /** The directories of the PersistentVolumes mounted (whole volumes, whatever subPath a mount uses). */
  private final Set<Path> claimDirectories;
  /** Mount paths of claims: their files are the program's data, never rewritten. */
  private final Set<String> claimMounts;

  private PodVolumes(Path root, Map<String, Path> mounts, Set<Path> claimDirectories, Set<String> claimMounts) {
    this.root = root;
    this.mounts = mounts;
    this.claimDirectories = claimDirectories;
    this.claimMounts = claimMounts;
  }

  /**
   * Materialises the volumes that {@code container} mounts. Fails with {@link MissingVolumeSource}
   * while a Secret or ConfigMap does not exist yet: the kubelet would keep the pod waiting, and so
   * does the runner, by retrying; and so while a PersistentVolumeClaim is not Bound.
   */
  static PodVolumes materialise(KubernetesClient client, Pod pod, Container container, Path root) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, Volume> volumes = new LinkedHashMap<>();
    pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    Map<String, Path> mounts = new TreeMap<>(
        Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
    Set<Path> claimDirectories = new TreeSet<>();
    Set<String> claimMounts = new TreeSet<>();
    try {
      Files.createDirectories(root);
      // Secrets land here: only this user may read them, and the runner deletes them at pod stop.
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
      for (VolumeMount mount : container.getVolumeMounts()) {
        Volume volume = volumes.get(mount.getName());
        if (volume == null) {
          throw new IllegalStateException("pod " + namespace + "/" + pod.getMetadata().getName()
              + " mounts undeclared volume " + mount.getName());
        }
        if (volume.getPersistentVolumeClaim() != null) {
          Path volumeDir = claimDirectory(client, namespace, volume.getPersistentVolumeClaim().getClaimName());
          claimDirectories.add(volumeDir);
          Path dir = volumeDir;
          if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
            dir = volumeDir.resolve(mount.getSubPath()).normalize();
            if (!dir.startsWith(volumeDir)) {
              throw new IllegalStateException("subPath " + mount.getSubPath() + " leaves the volume");
            }
            Files.createDirectories(dir);
          }
          mounts.put(mount.getMountPath(), dir);
          claimMounts.add(mount.getMountPath());
          continue;
        }
        Path dir = root.resolve(mount.getName());
        Files.createDirectories(dir);
        if (volume.getSecret() != null) {
          Secret secret = client.secrets().inNamespace(namespace)
              .withName(volume.getSecret().getSecretName()).get();
          if (secret == null) {
            throw new MissingVolumeSource("Secret " + namespace + "/" + volume.getSecret().getSecretName());
          }
          writeEntries(dir, decoded(secret), volume.getSecret().getItems());
        } else if (volume.getConfigMap() != null) {
          ConfigMap configMap = client.configMaps().inNamespace(namespace)
              .withName(volume.getConfigMap().getName()).get();
          if (configMap == null) {
            throw new MissingVolumeSource("ConfigMap " + namespace + "/" + volume.getConfigMap().getName());
          }
          Map<String, byte[]> data = new LinkedHashMap<>();
          Optional.ofNullable(configMap.getData()).orElse(Map.of())
              .forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
          writeEntries(dir, data, volume.getConfigMap().getItems());
        } else if (volume.getEmptyDir() == null) {
          throw new IllegalStateException("volume " + mount.getName() + " is neither a Secret, a ConfigMap,"
              + " an emptyDir nor a PersistentVolumeClaim; the cluster in a box runs no other kind");
        }
        mounts.put(mount.getMountPath(), dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PodVolumes(root, mounts, claimDirectories, claimMounts);
  }

  /**
   * The directory of the PersistentVolume bound to the claim: a {@code hostPath} or {@code local}
   * path on this machine. The pod waits (as at a kubelet) while the claim is missing or not Bound.
   */
  private static Path claimDirectory(KubernetesClient client, String namespace, String claimName)
      throws IOException {
    PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(namespace)
        .withName(claimName).get();
    if (claim == null) {
      throw new MissingVolumeSource("PersistentVolumeClaim " + namespace + "/" + claimName);
    }
    String volumeName = claim.getSpec().getVolumeName();
    if (claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase()) || volumeName == null) {
      throw new MissingVolumeSource("PersistentVolumeClaim " + namespace + "/" + claimName, "is not Bound yet");
    }
    PersistentVolume volume = client.persistentVolumes().withName(volumeName).get();
    if (volume == null) {
      throw new MissingVolumeSource("PersistentVolume " + volumeName);
    }
    String path;
    if (volume.getSpec().getHostPath() != null) {
      path = volume.getSpec().getHostPath().getPath();
    } else if (volume.getSpec().getLocal() != null) {
      path = volume.getSpec().getLocal().getPath();
    } else {
      throw new IllegalStateException("PersistentVolume " + volumeName + " is neither hostPath nor local;"
          + " the cluster in a box mounts only directories on this machine");
    }
    Path dir = Path.of(path).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new MissingVolumeSource("directory " + dir + " of PersistentVolume " + volumeName);
    }
    return dir;
  }

  /**
   * The file on this machine for a path inside the container, or the path unchanged when no volume
   * is mounted there.
   */
  String localPath(String containerPath) {
    for (Map.Entry<String, Path> mount : mounts.entrySet()) {
      String mountPath = mount.getKey();
      if (containerPath.equals(mountPath)) {
        return mount.getValue().toString();
      }
      if (containerPath.startsWith(mountPath + "/")) {
        return mount.getValue().resolve(containerPath.substring(mountPath.length() + 1)).toString();
      }
    }
    return containerPath;
  }

  /**
   * Rewrites, inside every mounted file, each mount path to its local directory: a config file that
   * includes another mounted file (redis.conf's {@code include}) then finds it here.
   */
  void rewriteMountPathsInFiles() {
    for (Map.Entry<String, Path> target : mounts.entrySet()) {
      if (claimMounts.contains(target.getKey())) {
        continue;
      }
      Path dir = target.getValue();
      try (var files = Files.walk(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String text = Files.readString(file, StandardCharsets.UTF_8);
          String rewritten = text;
          for (Map.Entry<String, Path> mount : mounts.entrySet()) {
            rewritten = rewritten.replace(mount.getKey(), mount.getValue().toString());
          }
          if (!rewritten.equals(text)) {
            Files.writeString(file, rewritten, StandardCharsets.UTF_8);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  Path root() {
    return root;
  }

  /** The PersistentVolumes' directories this container mounts; they stay when the pod stops. */
  Set<Path> claimDirectories() {
    return claimDirectories;
  }

  /** Deletes every materialised file, secrets included; a claim's directory is not among them. */
  void delete() {
    Directories.deleteRecursively(root);
  }

  /** Bytes, not text: a Secret may hold binary keys (an HS256 secret). */
  private static Map<String, byte[]> decoded(Secret secret) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    Optional.ofNullable(secret.getData()).orElse(Map.of())
        .forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
    return data;
  }

  /** All keys as files named for them, or, when the volume lists items, exactly those at their paths. */
  private static void writeEntries(Path dir, Map<String, byte[]> data, List<KeyToPath> items)
      throws IOException {
    if (items == null || items.isEmpty()) {
      for (Map.Entry<String, byte[]> entry : data.entrySet()) {
        Files.write(dir.resolve(entry.getKey()), entry.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value == null) {
        throw new MissingVolumeSource("key " + item.getKey() + " in the volume's source");
      }
      Path file = dir.resolve(item.getPath());
      Files.createDirectories(file.getParent());
      Files.write(file, value);
    }
  }

  /** A Secret, ConfigMap, key or claim that the pod needs does not exist (yet), or is not Bound. */
  static final class MissingVolumeSource extends PodWaits {
    MissingVolumeSource(String what) {
      this(what, "does not exist");
    }

    MissingVolumeSource(String what, String state) {
      super(what + " " + state);
    }
  }
}
