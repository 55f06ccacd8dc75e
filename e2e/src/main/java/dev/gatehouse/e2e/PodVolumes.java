package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
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
import java.util.TreeMap;

/**
 * What the kubelet would mount into one container, laid out in a private directory on this machine:
 * Secret and ConfigMap volumes as files (the keys or items the pod asks for), emptyDirs as empty
 * directories. Paths in the container (env values, arguments, config files that name other mounts)
 * are mapped to those directories with {@link #localPath}.
 */
final class PodVolumes {

  private final Path root;
  /** Mount path in the container → directory on this machine; longest mount path first. */
  private final Map<String, Path> mounts;

  private PodVolumes(Path root, Map<String, Path> mounts) {
    this.root = root;
    this.mounts = mounts;
  }

  /**
   * Materialises the volumes that {@code container} mounts. Fails with {@link MissingVolumeSource}
   * while a Secret or ConfigMap does not exist yet: the kubelet would keep the pod waiting, and so
   * does the runner, by retrying.
   */
  static PodVolumes materialise(KubernetesClient client, Pod pod, Container container, Path root) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, Volume> volumes = new LinkedHashMap<>();
    pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
    Map<String, Path> mounts = new TreeMap<>(
        Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()));
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
          throw new IllegalStateException("volume " + mount.getName() + " is neither a Secret, a ConfigMap"
              + " nor an emptyDir; the cluster in a box runs no other kind");
        }
        mounts.put(mount.getMountPath(), dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PodVolumes(root, mounts);
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
    for (Path dir : mounts.values()) {
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

  /** Deletes every materialised file, secrets included. */
  void delete() {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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

  /** A Secret, ConfigMap or key that the pod needs does not exist (yet). */
  static final class MissingVolumeSource extends RuntimeException {
    MissingVolumeSource(String what) {
      super(what + " does not exist");
    }
  }
}
