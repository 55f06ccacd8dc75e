package dev.gatehouse.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The images' configuration (we have no Docker engine to build them): a JRE base, a numeric non-root
 * user, an exec-form Java entrypoint, no secret baked in, and sources that the Maven build produces.
 */
class ContainerImagesTest {

  private static final Path IMAGES = HelmChart.REPO.resolve("images");

  @ParameterizedTest
  @ValueSource(strings = {"operator", "auth-service"})
  void everyStageIsAJreAndTheImageRunsAsANumericNonRootUser(String image) {
    Dockerfile dockerfile = Dockerfile.read(IMAGES.resolve(image).resolve("Dockerfile"));

    assertThat(dockerfile.stages()).allSatisfy(stage -> assertThat(stage.get(0).words().get(0))
        .as("base image").containsIgnoringCase("jre").doesNotContainIgnoringCase("jdk"));
    String user = dockerfile.last("USER").words().get(0);
    assertThat(user).as("USER").matches("[0-9]+(:[0-9]+)?");
    assertThat(Long.parseLong(user.split(":")[0])).as("uid").isPositive();
    assertThat(dockerfile.last("ENTRYPOINT").execForm()).first().isEqualTo("java");
  }

  @ParameterizedTest
  @ValueSource(strings = {"operator", "auth-service"})
  void noSecretIsBakedIntoTheImage(String image) throws IOException {
    Dockerfile dockerfile = Dockerfile.read(IMAGES.resolve(image).resolve("Dockerfile"));

    assertThat(dockerfile.all()).allSatisfy(instruction -> {
      if (List.of("ENV", "ARG", "LABEL").contains(instruction.keyword())) {
        assertThat(instruction.arguments()).doesNotContainPattern(
            "(?i)(password|passwd|secret|token|credential|private|api_?key)[A-Z_]*\\s*=");
      }
      if (List.of("COPY", "ADD").contains(instruction.keyword())) {
        assertThat(instruction.words()).noneMatch(w -> w.matches(
            "(?i).*(\\.pem|\\.key|\\.p12|\\.jks|\\.env|secret.*|credential.*|id_rsa.*)$"));
        assertThat(instruction.arguments()).as("nothing fetched at build time")
            .doesNotContain("http://", "https://");
      }
    });
    // The build context is the repository root: only the listed build outputs may enter it.
    List<String> ignore = Files.readAllLines(IMAGES.resolve(image).resolve("Dockerfile.dockerignore"));
    assertThat(ignore).contains("*");
  }

  @Test
  void operatorImageRunsTheJarsTheBuildLaysOut() throws Exception {
    Dockerfile dockerfile = Dockerfile.read(IMAGES.resolve("operator/Dockerfile"));
    List<String> copy = dockerfile.last("COPY").words();
    List<String> entrypoint = dockerfile.last("ENTRYPOINT").execForm();
    Path lib = HelmChart.REPO.resolve(copy.get(0));

    assertThat(entrypoint).containsExactly("java", "-cp", copy.get(1) + "*",
        "dev.gatehouse.operator.GatehouseOperator");
    assertThat(Files.readAllLines(IMAGES.resolve("operator/Dockerfile.dockerignore")))
        .contains("!" + copy.get(0));
    try (Stream<Path> jars = Files.list(lib)) {
      assertThat(jars.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.matches("gatehouse-operator-[0-9].*\\.jar") && !n.endsWith("-tests.jar"))
          .anyMatch(n -> n.startsWith("operator-framework-core-"))
          .anyMatch(n -> n.startsWith("logback-classic-"))
          .noneMatch(n -> n.startsWith("junit-") || n.startsWith("assertj-") || n.startsWith("kube-api-test"));
    }

    // The image's command on the laid-out jars, with a bad setting: it gets as far as reading its
    // settings, which a missing class or dependency would have stopped first. (The packaged operator
    // runs against a real API server in PackagedOperatorIT.)
    ProcessBuilder builder = new ProcessBuilder("java", "-cp", lib + "/*", entrypoint.get(3))
        .redirectErrorStream(true);
    builder.environment().put("GATEHOUSE_HEALTH_PORT", "not-a-port");
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isNotZero();
    assertThat(output).contains("GATEHOUSE_HEALTH_PORT must be a port number")
        .doesNotContain("ClassNotFoundException", "NoClassDefFoundError");
  }

  @Test
  void authServiceImageUnpacksTheBootJarAndStartsItsLauncher() throws IOException {
    Dockerfile dockerfile = Dockerfile.read(IMAGES.resolve("auth-service/Dockerfile"));
    String source = dockerfile.stages().get(0).stream().filter(i -> i.keyword().equals("COPY"))
        .findFirst().orElseThrow().words().get(0);
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + source);

    List<Path> jars;
    try (Stream<Path> files = Files.list(HelmChart.REPO.resolve(Path.of(source).getParent()))) {
      jars = files.filter(f -> matcher.matches(HelmChart.REPO.relativize(f))).toList();
    }
    assertThat(jars).as("what COPY %s picks up (the build's repackaged jar)", source).hasSize(1);
    String launcher = dockerfile.last("ENTRYPOINT").execForm().get(1);
    try (JarFile jar = new JarFile(jars.get(0).toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(launcher);
      assertThat(jar.getEntry("BOOT-INF/lib/")).as("a Spring Boot executable jar").isNotNull();
    }
  }

  /**
   * The image and the chart give the operator's JVM the same flags, so a pod run without the chart
   * sizes its heap as the benchmark measured (operator/bench/converge.sh runs the chart's).
   */
  @Test
  void imageGivesTheOperatorTheChartsDefaultJvmFlags() {
    Deployment deployment = HelmChart.template(HelmChart.NAMESPACE).one(Deployment.class);
    String chart = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS")).findFirst().orElseThrow()
        .getValue();
    String image = Dockerfile.read(IMAGES.resolve("operator/Dockerfile")).all().stream()
        .filter(i -> i.keyword().equals("ENV") && i.arguments().startsWith("JAVA_TOOL_OPTIONS="))
        .reduce((first, last) -> last).orElseThrow().arguments();

    assertThat(image).isEqualTo("JAVA_TOOL_OPTIONS=\"" + chart + "\"");
  }

  /**
   * The auth image run without the operator (docker run with a memory limit) uses the collector the
   * operator's pods name: below 1,792 MiB the JVM would pick the serial one by itself
   * (docs/benchmarks.md, issue 14). The pod's flags are the env contract's.
   */
  @Test
  void authImageNamesTheCollectorThePodsRun() throws IOException {
    Properties contract = new Properties();
    try (var reader = Files.newBufferedReader(
        HelmChart.REPO.resolve("contracts/auth-pod-environment.properties"))) {
      contract.load(reader);
    }
    List<String> collectors = Arrays.stream(contract.getProperty("JAVA_TOOL_OPTIONS").split(" "))
        .filter(flag -> flag.matches("-XX:\\+Use\\w+GC")).toList();
    String image = Dockerfile.read(IMAGES.resolve("auth-service/Dockerfile")).all().stream()
        .filter(i -> i.keyword().equals("ENV") && i.arguments().startsWith("JAVA_TOOL_OPTIONS="))
        .reduce((first, last) -> last).orElseThrow().arguments();

    assertThat(collectors).hasSize(1);
    assertThat(image).contains(collectors.get(0));
  }

  @Test
  void chartRunsTheOperatorAsTheImageUser() {
    Deployment deployment = HelmChart.template(HelmChart.NAMESPACE).one(Deployment.class);
    String user = Dockerfile.read(IMAGES.resolve("operator/Dockerfile")).last("USER").words().get(0);

    assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser())
        .isEqualTo(Long.parseLong(user.split(":")[0]));
  }
}
