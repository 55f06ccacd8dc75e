package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Starts a pod's program as its container would run it, at the pod's IP: an auth pod's
 * {@code java -jar auth-service.jar} with the container's environment, the managed Redis pods' and
 * Sentinels' {@code redis-server} with the arguments the container declares, after the pod's init
 * containers ({@code cp} only). Its output goes to a log file
 * per pod.
 */
final class ProcessLauncher {

  /**
   * The JVM flags of a container's memory limit, for processes that share one small machine: a
   * bounded heap and a cheap JIT and GC keep a handful of auth processes within a few hundred MB each.
   * With C1 alone there is little for the warm-up before readiness to wait for, and a dozen pods
   * starting on two cores would each spend its whole 10 s bound: 2 s keeps it run, and short.
   */
  private static final List<String> AUTH_JVM_FLAGS =
      List.of("-Xmx192m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dgatehouse.warm-up.max-duration=2s");

  /** The init containers' programs the box runs: the Sentinels copy their starting configuration. */
  private static final Set<String> INIT_COMMANDS = Set.of("cp");
  private static final long INIT_TIMEOUT_SECONDS = 30;

  private final Path authJar;
  private final Path logDir;
  private final String javaBinary;
  private final ServiceProxies services;

  ProcessLauncher(Path authJar, Path logDir, ServiceProxies services) {
    this.authJar = authJar;
    this.logDir = logDir;
    this.javaBinary = ProcessHandle.current().info().command().orElse("java");
    this.services = services;
  }

  /**
   * Runs an init container's command to its end, with its paths mapped to the pod's volumes; fails
   * unless it exits with 0. Only {@code cp}: the box runs the operator's own programs, nothing else.
   */
  void runInit(String key, Container init, PodVolumes volumes) throws IOException {
    List<String> declared = new ArrayList<>(Optional.ofNullable(init.getCommand()).orElse(List.of()));
    declared.addAll(Optional.ofNullable(init.getArgs()).orElse(List.of()));
    if (declared.isEmpty() || !INIT_COMMANDS.contains(declared.get(0))) {
      throw new IllegalStateException("init container " + init.getName() + " of " + key + " runs "
          + declared + "; the cluster in a box runs only " + INIT_COMMANDS);
    }
    List<String> command = declared.stream().map(volumes::localPath).toList();
    Process process = new ProcessBuilder(command).directory(volumes.root().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(
            key.replace('/', '_') + "_" + init.getName() + ".log").toFile()))
        .start();
    try {
      if (!process.waitFor(INIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("init container " + init.getName() + " of " + key
            + " did not end within " + INIT_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while init container " + init.getName() + " of " + key + " ran", e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("init container " + init.getName() + " of " + key
          + " exited with " + process.exitValue());
    }
  }

  RunningPod start(Pod pod, String key, String ip, String component, boolean auth, Container container,
                   PodVolumes volumes) throws IOException {
    String dirName = pod.getMetadata().getNamespace() + "_" + pod.getMetadata().getName();
    Path logFile = logDir.resolve(dirName + ".log");

    List<String> command = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    if (auth) {
      env.putAll(ContainerEnvironment.of(pod, container, volumes, services));
      // The pod's JVM options are for a container's memory limit, which AUTH_JVM_FLAGS stand in
      // for here; both would name a collector, and the JVM refuses to start with two.
      env.remove("JAVA_TOOL_OPTIONS");
      // Listen at the pod's address only, as a container in its own network namespace would.
      env.put("SERVER_ADDRESS", ip);
      command.add(javaBinary);
      command.addAll(AUTH_JVM_FLAGS);
      command.add("-Djava.io.tmpdir=" + volumes.localPath("/tmp"));
      command.add("-jar");
      command.add(authJar.toString());
    } else {
      List<String> declared = new ArrayList<>(Optional.ofNullable(container.getCommand()).orElse(List.of()));
      declared.addAll(Optional.ofNullable(container.getArgs()).orElse(List.of()));
      if (declared.isEmpty() || !declared.get(0).equals("redis-server")) {
        throw new IllegalStateException("Redis pod " + key + " runs " + declared + ", not redis-server");
      }
      command.add("redis-server");
      declared.subList(1, declared.size()).forEach(arg -> command.add(volumes.localPath(arg)));
      // Overrides after the config file: bind to the pod's address only, stay in the foreground,
      // and connect out from it (to a primary, a Sentinel) as a pod in its own network namespace
      // would: on the shared loopback the kernel would pick 127.0.0.1, and every replica and
      // Sentinel would announce the same address.
      command.addAll(List.of("--bind", ip, "--bind-source-addr", ip, "--daemonize", "no",
          "--logfile", ""));
    }
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(volumes.root().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    return new RunningPod(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
        pod.getMetadata().getUid(), ip, component, process, volumes, logFile,
        Termination.graceSeconds(pod), Termination.preStopSleepSeconds(key, container));
  }
}
