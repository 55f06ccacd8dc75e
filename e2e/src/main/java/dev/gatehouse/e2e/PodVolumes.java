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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Longer than 300 lines because laying the volumes out, mapping paths into them and updating
 * them read the same mounts; {@link Projection}, one volume's atomic update, is nested so that only
 * they reach its versions.
 */
final class PodVolumes {

  private final Path root;
  /** Mount path in the container → directory on this machine; longest mount path first. */
  private final Map<String, Path> mounts;
  /** The directories of the PersistentVolumes mounted (whole volumes, whatever subPath a mount uses). */
  private final Set<Path> claimDirectories;
  /** Mount paths of claims: their files are the program's data, never rewritten. */
  private final Set<String> claimMounts;
  /** The Secret and ConfigMap volumes, with what they hold now, for {@link #refresh}. */
  private final List<Projection> projections;

  private PodVolumes(Path root, Map<String, Path> mounts, Set<Path> claimDirectories, Set<String> claimMounts,
      List<Projection> projections) {
    this.root = root;
    this.mounts = mounts;
    this.claimDirectories = claimDirectories;
    this.claimMounts = claimMounts;
    this.projections = projections;
  }

  /**
   * A Secret or ConfigMap volume, laid out as the kubelet's AtomicWriter lays it out: the entries in
   * {@code ..<version>/}, {@code ..data} a link to the current version, each entry a link through
   * {@code ..data}. An update writes a new version and swaps {@code ..data} in one rename, so a
   * program never reads half of an update.
   */
  private static final class Projection {
    private final Path dir;
    private final String namespace;
    private final Volume volume;
    private Map<String, byte[]> data;
    private int version;

    Projection(Path dir, String namespace, Volume volume) {
      this.dir = dir;
      this.namespace = namespace;
      this.volume = volume;
    }

    /** What the volume's source holds now, or empty when it is gone (the kubelet keeps the files then). */
    Optional<Map<String, byte[]>> source(KubernetesClient client) {
      if (volume.getSecret() != null) {
        return Optional.ofNullable(client.secrets().inNamespace(namespace)
            .withName(volume.getSecret().getSecretName()).get()).map(PodVolumes::decoded);
      }
      return Optional.ofNullable(client.configMaps().inNamespace(namespace)
          .withName(volume.getConfigMap().getName()).get()).map(configMap -> {
            Map<String, byte[]> text = new LinkedHashMap<>();
            Optional.ofNullable(configMap.getData()).orElse(Map.of())
                .forEach((key, value) -> text.put(key, value.getBytes(StandardCharsets.UTF_8)));
            return text;
          });
    }

    List<KeyToPath> items() {
      return volume.getSecret() != null ? volume.getSecret().getItems() : volume.getConfigMap().getItems();
    }

    boolean holds(Map<String, byte[]> other) {
      return data != null && data.size() == other.size() && data.entrySet().stream()
          .allMatch(entry -> Arrays.equals(entry.getValue(), other.get(entry.getKey())));
    }

    /** Writes {@code source} as the next version and swaps it in; returns the new version's directory. */
    Path publish(Map<String, byte[]> source) throws IOException {
      Path next = dir.resolve("..v" + (++version));
      Files.createDirectories(next);
      writeEntries(next, source, items());
      Path data = dir.resolve("..data");
      Path previous = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
      Path link = dir.resolve("..data_tmp");
      Files.deleteIfExists(link);
      Files.createSymbolicLink(link, next.getFileName());
      Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Set<String> entries = new TreeSet<>();
      try (var listing = Files.list(next)) {
        listing.forEach(entry -> entries.add(entry.getFileName().toString()));
      }
      for (String entry : entries) {
        if (!Files.isSymbolicLink(dir.resolve(entry))) {
          Files.createSymbolicLink(dir.resolve(entry), Path.of("..data", entry));
        }
      }
      try (var listing = Files.list(dir)) {
        for (Path entry : listing.toList()) {
          String name = entry.getFileName().toString();
          if (!name.startsWith("..") && !entries.contains(name)) {
            Files.delete(entry);
          }
        }
      }
      if (previous != null) {
        Directories.deleteRecursively(previous);
      }
      this.data = source;
      return next;
    }
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
    List<Projection> projections = new ArrayList<>();
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
        if (volume.getSecret() != null || volume.getConfigMap() != null) {
          Projection projection = new Projection(dir, namespace, volume);
          Map<String, byte[]> source = projection.source(client).orElseThrow(() -> new MissingVolumeSource(
              (volume.getSecret() != null ? "Secret " + namespace + "/" + volume.getSecret().getSecretName()
                  : "ConfigMap " + namespace + "/" + volume.getConfigMap().getName())));
          projection.publish(source);
          projections.add(projection);
        } else if (volume.getEmptyDir() == null) {
          throw new IllegalStateException("volume " + mount.getName() + " is neither a Secret, a ConfigMap,"
              + " an emptyDir nor a PersistentVolumeClaim; the cluster in a box runs no other kind");
        }
        mounts.put(mount.getMountPath(), dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PodVolumes(root, mounts, claimDirectories, claimMounts, projections);
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
      if (!claimMounts.contains(target.getKey())) {
        rewriteMountPathsIn(target.getValue());
      }
    }
  }

  /**
   * Brings the Secret and ConfigMap volumes up to date with their sources, as the kubelet does for
   * a running pod (every minute or so there; every {@link VolumeSync#PERIOD} here): a changed source
   * becomes a new version, swapped in atomically. A source that is gone leaves the files as they are.
   */
  synchronized void refresh(KubernetesClient client) {
    for (Projection projection : projections) {
      projection.source(client).filter(source -> !projection.holds(source)).ifPresent(source -> {
        try {
          rewriteMountPathsIn(projection.publish(source));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  private void rewriteMountPathsIn(Path dir) {
    try (var files = Files.walk(dir)) {
      // Real files only, not the links to them: a file rewritten twice would have a mount path
      // that its own local path ends with (an emptyDir at /data) replaced a second time.
      for (Path file : files.filter(path -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).toList()) {
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
