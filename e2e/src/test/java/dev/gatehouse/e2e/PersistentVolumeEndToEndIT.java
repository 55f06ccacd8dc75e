package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Storage on the cluster in a box: a StatefulSet of our own (not the operator's) whose
 * volumeClaimTemplate gets a volume from the box's provisioner ({@link VolumeProvisioner}), bound by
 * the real PV controller; a real redis-server with {@code appendonly yes} in {@code dir /data} keeps
 * its data across a replacement pod (same name, new UID) because the runner maps the claim, not a
 * per-pod directory; the volume and its directory go with the claim (reclaim policy Delete).
 */
class PersistentVolumeEndToEndIT {

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  private static final Duration START = Duration.ofSeconds(90);
  private static final String NAME = "store";
  private static final String POD = NAME + "-0";
  private static final String CLAIM = "data-" + POD;
  private static final String OTHER = "store-other";
  private static final int REDIS_PORT = 6379;

  @Test
  void statefulSetRedisKeepsItsDataAcrossAReplacementPodAndTheVolumeGoesWithItsClaim() throws Exception {
    String ns = cluster.newNamespace("storage");
    StorageClass defaultClass = client().storage().v1().storageClasses()
        .withName(VolumeProvisioner.STORAGE_CLASS).get();
    assertThat(defaultClass.getMetadata().getAnnotations())
        .containsEntry("storageclass.kubernetes.io/is-default-class", "true");
    client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(NAME + "-config").endMetadata()
        // Only the append-only file carries the data: no RDB snapshots.
        .withData(Map.of("redis.conf", String.join("\n",
            "port " + REDIS_PORT, "dir /data", "appendonly yes", "appendfsync everysec", "save \"\"", "")))
        .build()).create();
    client().apps().statefulSets().inNamespace(ns).resource(statefulSet()).create();

    // The claim names no class: the default one's provisioner makes a volume, the PV controller binds it.
    await("claim " + CLAIM + " Bound").atMost(START).until(() -> "Bound".equals(phase(claim(ns))));
    PersistentVolumeClaim claim = claim(ns);
    assertThat(claim.getSpec().getStorageClassName()).isEqualTo(VolumeProvisioner.STORAGE_CLASS);
    PersistentVolume volume = client().persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
    assertThat(volume.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Delete");
    assertThat(volume.getSpec().getCapacity().get("storage")).isEqualTo(new Quantity("64Mi"));
    assertThat(volume.getSpec().getClaimRef().getUid()).isEqualTo(claim.getMetadata().getUid());
    Path dataDir = Path.of(volume.getSpec().getHostPath().getPath());
    assertThat(dataDir).isDirectory();

    RunningPod first = awaitReadyProcess(ns, POD, null);
    assertThat(first.volumes().claimDirectories()).containsExactly(dataDir);
    assertThat(redis(first.ip(), "CONFIG", "GET", "dir")).isEqualTo(List.of("dir", dataDir.toString()));
    String value = UUID.randomUUID().toString();
    assertThat(redis(first.ip(), "SET", "e2e-key", value)).isEqualTo("OK");

    // The StatefulSet controller replaces the pod under the same name with a new UID.
    client().pods().inNamespace(ns).withName(POD).delete();
    RunningPod second = awaitReadyProcess(ns, POD, first.uid());
    assertThat(first.process().isAlive()).isFalse();
    assertThat(second.volumes().claimDirectories()).containsExactly(dataDir);
    // Never two redis-servers on one directory: both log to the pod's file, each line prefixed by its
    // pid, and the new one's first line comes after the old one's last ("ready to exit, bye bye").
    List<String> log = Files.readAllLines(second.log());
    int lastOfFirst = lastLineOf(log, first.process().pid());
    assertThat(log.get(lastOfFirst)).contains("ready to exit");
    assertThat(firstLineOf(log, second.process().pid())).isGreaterThan(lastOfFirst);
    assertThat(redis(second.ip(), "GET", "e2e-key")).isEqualTo(value);
    assertThat(dataDir.resolve("appendonlydir")).isDirectory();

    // Another pod on the same claim (allowed: ReadWriteOnce is per node) gets an IP of its own, but no
    // process while the StatefulSet's Redis has the directory; it starts once that one has exited.
    Pod other = new PodBuilder()
        .withNewMetadata().withName(OTHER).withLabels(labels("e2e-other")).endMetadata()
        .withSpec(new PodSpecBuilder(podSpec()).addToVolumes(new VolumeBuilder().withName("data")
            .withNewPersistentVolumeClaim().withClaimName(CLAIM).endPersistentVolumeClaim().build()).build())
        .build();
    client().pods().inNamespace(ns).resource(other).create();
    await("pod " + OTHER + " has an IP").atMost(START).until(() -> {
      Pod pod = client().pods().inNamespace(ns).withName(OTHER).get();
      return pod.getStatus() != null && pod.getStatus().getPodIP() != null;
    });
    // A few of the runner's retries (every 2 s).
    Thread.sleep(5000);
    assertThat(cluster.runner().pod(ns, OTHER)).isEmpty();
    assertThat(second.process().isAlive()).isTrue();

    client().apps().statefulSets().inNamespace(ns).withName(NAME).delete();
    await("pod " + POD + " gone and its process stopped").atMost(START).until(() ->
        client().pods().inNamespace(ns).withName(POD).get() == null
            && cluster.runner().pod(ns, POD).isEmpty() && !second.process().isAlive());
    RunningPod third = awaitReadyProcess(ns, OTHER, null);
    assertThat(third.ip()).isNotEqualTo(second.ip());
    assertThat(redis(third.ip(), "GET", "e2e-key")).isEqualTo(value);

    // Claims outlive their StatefulSet (retention policy Retain); deleting the claim releases the
    // volume once no pod uses it, and reclaim policy Delete removes it and its directory.
    client().persistentVolumeClaims().inNamespace(ns).withName(CLAIM).delete();
    client().pods().inNamespace(ns).withName(OTHER).delete();
    await("volume " + volume.getMetadata().getName() + " and " + dataDir + " deleted").atMost(START).until(() ->
        client().persistentVolumes().withName(volume.getMetadata().getName()).get() == null
            && !Files.exists(dataDir));
    assertThat(claim(ns)).isNull();
  }

  /** A minimal, real Redis StatefulSet with the labels the runner acts on. */
  private static StatefulSet statefulSet() {
    Map<String, String> labels = labels("e2e-store");
    return new StatefulSetBuilder()
        .withNewMetadata().withName(NAME).endMetadata()
        .withNewSpec()
        .withServiceName(NAME)
        .withReplicas(1)
        .withNewSelector().withMatchLabels(labels).endSelector()
        .withNewTemplate()
        .withNewMetadata().withLabels(labels).endMetadata()
        .withSpec(podSpec())
        .endTemplate()
        .addNewVolumeClaimTemplate()
        .withNewMetadata().withName("data").endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withNewResources().addToRequests("storage", new Quantity("64Mi")).endResources()
        .endSpec()
        .endVolumeClaimTemplate()
        .endSpec()
        .build();
  }

  /** The labels the runner acts on, with an app name of the test's own (not a selector of the other's). */
  private static Map<String, String> labels(String app) {
    return Map.of(
        AuthServiceResources.NAME_LABEL, app,
        AuthServiceResources.MANAGED_BY_LABEL, AuthServiceResources.OPERATOR,
        AuthServiceResources.COMPONENT_LABEL, Component.REDIS.label());
  }

  /** redis-server with the ConfigMap's redis.conf; its data volume comes from a claim. */
  private static PodSpec podSpec() {
    return new PodSpecBuilder()
        // As the operator's pods: no token volume (the runner mounts no projected volumes).
        .withAutomountServiceAccountToken(false)
        .withTerminationGracePeriodSeconds(10L)
        .addNewContainer()
        .withName("redis")
        .withImage("redis:7.4-alpine")
        .withCommand("redis-server")
        .withArgs("/etc/redis/redis.conf")
        .addNewPort().withName("redis").withContainerPort(REDIS_PORT).endPort()
        .withNewReadinessProbe().withNewTcpSocket().withPort(new IntOrString("redis")).endTcpSocket()
        .withPeriodSeconds(1).endReadinessProbe()
        .addNewVolumeMount().withName("config").withMountPath("/etc/redis").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("config").withNewConfigMap().withName(NAME + "-config").endConfigMap().endVolume()
        .build();
  }

  /** The pod's process once the pod is Ready, for a pod other than {@code previousUid}. */
  private static RunningPod awaitReadyProcess(String ns, String name, String previousUid) {
    AtomicReference<RunningPod> found = new AtomicReference<>();
    await("pod " + name + " Ready with a process" + (previousUid == null ? "" : ", replacing " + previousUid))
        .atMost(START).until(() -> {
          Pod pod = client().pods().inNamespace(ns).withName(name).get();
          if (pod == null || pod.getMetadata().getUid().equals(previousUid) || !PodReadiness.isReady(pod)) {
            return false;
          }
          Optional<RunningPod> process = cluster.runner().pod(ns, name)
              .filter(p -> p.uid().equals(pod.getMetadata().getUid()) && p.process().isAlive());
          process.ifPresent(found::set);
          return process.isPresent();
        });
    return found.get();
  }

  private static int firstLineOf(List<String> log, long pid) {
    for (int i = 0; i < log.size(); i++) {
      if (log.get(i).startsWith(pid + ":")) {
        return i;
      }
    }
    throw new AssertionError("no line of pid " + pid + " in " + log);
  }

  private static int lastLineOf(List<String> log, long pid) {
    for (int i = log.size() - 1; i >= 0; i--) {
      if (log.get(i).startsWith(pid + ":")) {
        return i;
      }
    }
    throw new AssertionError("no line of pid " + pid + " in " + log);
  }

  private static PersistentVolumeClaim claim(String ns) {
    return client().persistentVolumeClaims().inNamespace(ns).withName(CLAIM).get();
  }

  private static String phase(PersistentVolumeClaim claim) {
    return claim == null || claim.getStatus() == null ? null : claim.getStatus().getPhase();
  }

  private static KubernetesClient client() {
    return cluster.client();
  }

  /** One command in RESP over a plain socket: a simple string, a bulk string or an array of them. */
  private static Object redis(String ip, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(ip, REDIS_PORT), 2000);
      socket.setSoTimeout(5000);
      StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
      for (String arg : args) {
        request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
            .append(arg).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return reply(new DataInputStream(socket.getInputStream()));
    }
  }

  private static Object reply(DataInputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    return switch (type) {
      case '+' -> line;
      case '$' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          yield null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        yield new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*' -> {
        List<Object> items = new ArrayList<>();
        for (int i = Integer.parseInt(line); i > 0; i--) {
          items.add(reply(in));
        }
        yield items;
      }
      default -> throw new IOException("Redis replied " + (char) type + line);
    };
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\r') {
      if (b < 0) {
        throw new IOException("connection closed");
      }
      bytes.write(b);
    }
    in.read();
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
