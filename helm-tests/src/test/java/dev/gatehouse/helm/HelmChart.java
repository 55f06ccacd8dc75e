package dev.gatehouse.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The chart under test, helm/gatehouse-operator, and the real helm CLI that renders and lints it
 * (built from Go modules by hack/helm-binary.sh and linked into target/ by the build).
 */
final class HelmChart {

  static final Path REPO = Path.of(requiredProperty("gatehouse.repo"));
  static final Path DIR = REPO.resolve("helm/gatehouse-operator");
  static final String KUBE_VERSION = requiredProperty("gatehouse.kube.version");
  static final String RELEASE = "gatehouse-operator";
  static final String NAMESPACE = "gatehouse-system";

  private static final Path HELM = Path.of(requiredProperty("gatehouse.helm"));

  private HelmChart() {}

  /** The values files that document the chart's options, one scenario each (helm/.../ci/). */
  static List<Path> ciValuesFiles() {
    try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
      return files.filter(f -> f.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm template} for Kubernetes {@link #KUBE_VERSION} into {@code namespace}, failing the test
   * if helm does. {@code args} are further helm arguments: {@code -f file}, {@code --set k=v}.
   */
  static Rendered template(String namespace, String... args) {
    Result result = helm(templateArgs(namespace, args));
    assertThat(result.exitCode()).as("helm template %s failed:%n%s", List.of(args), result.stderr())
        .isZero();
    return Rendered.parse(result.stdout());
  }

  static List<String> templateArgs(String namespace, String... args) {
    List<String> command = new ArrayList<>(List.of("template", RELEASE, DIR.toString(),
        "--namespace", namespace, "--kube-version", KUBE_VERSION));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs helm with these arguments; stdout and stderr are read concurrently, so neither blocks it. */
  static Result helm(List<String> args) {
    return helm(args, null);
  }

  /** The same against a cluster: helm reads {@code kubeconfig}. */
  static Result helm(List<String> args, Path kubeconfig) {
    List<String> command = new ArrayList<>();
    command.add(HELM.toString());
    command.addAll(args);
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile());
      // No repositories, plugins or cache of the machine running the tests.
      Path home = HELM.getParent().resolve("home");
      builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
      builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
      builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
      builder.environment().remove("KUBECONFIG");
      if (kubeconfig != null) {
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
      }
      Process process = builder.start();
      process.getOutputStream().close();
      CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process, true));
      String stdout = read(process, false);
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("helm " + args + " did not finish within 2 minutes");
      }
      return new Result(process.exitValue(), stdout, stderr.join());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + HELM + "; the build links it there with"
          + " hack/helm-binary.sh (run the tests through ./mvnw verify)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Process process, boolean error) {
    try {
      return new String((error ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String requiredProperty(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException("system property " + name + " is not set; helm-tests/pom.xml"
          + " sets it: run the tests through ./mvnw verify");
    }
    return value;
  }

  record Result(int exitCode, String stdout, String stderr) {
  }
}
