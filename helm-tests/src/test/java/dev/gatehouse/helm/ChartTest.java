package dev.gatehouse.helm;

import static dev.gatehouse.helm.HelmChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gatehouse.operator.OperatorPods;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart as helm sees it, without a cluster: lint, render, determinism, RBAC shape, the CRD. */
class ChartTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The default values, then every documented scenario of ci/. */
  static Stream<List<String>> valuesArguments() {
    return Stream.concat(Stream.of(List.<String>of()),
        HelmChart.ciValuesFiles().stream().map(f -> List.of("-f", f.toString())));
  }

  @ParameterizedTest
  @MethodSource("valuesArguments")
  void lintsStrictly(List<String> values) {
    List<String> args = new ArrayList<>(List.of("lint", "--strict", HelmChart.DIR.toString(),
        "--namespace", NAMESPACE, "--kube-version", HelmChart.KUBE_VERSION));
    args.addAll(values);

    HelmChart.Result lint = HelmChart.helm(args);

    assertThat(lint.exitCode()).as("helm lint --strict %s:%n%s%s", values, lint.stdout(), lint.stderr())
        .isZero();
    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @ParameterizedTest
  @MethodSource("valuesArguments")
  void rendersTheSameBytesEveryTime(List<String> values) {
    String first = HelmChart.template(NAMESPACE, values.toArray(String[]::new)).text();
    String second = HelmChart.template(NAMESPACE, values.toArray(String[]::new)).text();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void templatesUseNoRandomnessClockOrClusterLookup() throws IOException {
    // Rendering twice proves today's output stable; this keeps a future template from adding a
    // source of change that two quick renders might not catch (a clock, the cluster's state).
    try (Stream<Path> templates = Files.list(HelmChart.DIR.resolve("templates"))) {
      for (Path template : templates.toList()) {
        assertThat(Files.readString(template)).as(template.toString())
            .doesNotContainPattern("\\{\\{[^}]*\\b(rand[A-Za-z]*|uuidv4|now|date|dateInZone|genCA"
                + "|genPrivateKey|genSelfSignedCert|genSignedCert|derivePassword|lookup)\\b[^}]*}}");
      }
    }
  }

  @Test
  void everyValueOfValuesYamlIsSetByADocumentedScenario() throws IOException {
    Set<String> documented = leafPaths(YAML.readTree(HelmChart.DIR.resolve("values.yaml").toFile()));
    Set<String> exercised = new TreeSet<>();
    for (Path file : HelmChart.ciValuesFiles()) {
      exercised.addAll(leafPaths(YAML.readTree(file.toFile())));
    }

    assertThat(exercised).as("values.yaml keys that no ci/*-values.yaml sets")
        .containsAll(documented);
  }

  @Test
  void defaultIsNamespacedToTheReleaseNamespaceWithNothingClusterWide() {
    Rendered rendered = HelmChart.template(NAMESPACE);

    assertThat(rendered.ofKind("ClusterRole")).isEmpty();
    assertThat(rendered.ofKind("ClusterRoleBinding")).isEmpty();
    assertThat(rendered.all(Role.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsOnly(NAMESPACE);
    assertThat(env(rendered.one(Deployment.class))).containsEntry("GATEHOUSE_WATCH_NAMESPACES", NAMESPACE)
        .containsEntry("GATEHOUSE_LEADER_ELECTION", "true");
  }

  @Test
  void namespacedScopeHasARoleAndBindingInEachWatchedNamespace() {
    Rendered rendered = HelmChart.template(NAMESPACE, "--set", "watchNamespaces={team-a,team-b}");

    Role operatorRole = rendered.all(Role.class).stream()
        .filter(r -> !r.getMetadata().getName().endsWith("-leader-election")).findFirst().orElseThrow();
    assertThat(rendered.all(Role.class))
        .filteredOn(r -> r.getMetadata().getName().equals(operatorRole.getMetadata().getName()))
        .extracting(r -> r.getMetadata().getNamespace()).containsExactly("team-a", "team-b");
    assertThat(rendered.all(RoleBinding.class))
        .filteredOn(b -> b.getRoleRef().getName().equals(operatorRole.getMetadata().getName()))
        .extracting(b -> b.getMetadata().getNamespace()).containsExactly("team-a", "team-b");
    // The Lease stays in the release namespace, which is not watched.
    assertThat(rendered.all(Role.class))
        .filteredOn(r -> r.getMetadata().getName().endsWith("-leader-election"))
        .extracting(r -> r.getMetadata().getNamespace()).containsExactly(NAMESPACE);
    assertThat(env(rendered.one(Deployment.class)))
        .containsEntry("GATEHOUSE_WATCH_NAMESPACES", "team-a,team-b");
  }

  @Test
  void clusterScopeHasAClusterRoleAndWatchesEveryNamespace() {
    Rendered rendered = HelmChart.template(NAMESPACE, "--set", "scope=cluster");

    assertThat(rendered.one(ClusterRole.class).getRules()).isNotEmpty();
    assertThat(rendered.ofKind("ClusterRoleBinding")).hasSize(1);
    assertThat(rendered.all(Role.class)).extracting(r -> r.getMetadata().getName())
        .containsExactly(HelmChart.RELEASE + "-leader-election");
    assertThat(env(rendered.one(Deployment.class))).containsEntry("GATEHOUSE_WATCH_NAMESPACES", "");
  }

  @ParameterizedTest
  @MethodSource("valuesArguments")
  void rulesNameEveryResourceAndVerbAndNeverUpdateSecrets(List<String> values) {
    Rendered rendered = HelmChart.template(NAMESPACE, values.toArray(String[]::new));
    List<PolicyRule> rules = new ArrayList<>();
    rendered.all(Role.class).forEach(r -> rules.addAll(r.getRules()));
    rendered.all(ClusterRole.class).forEach(r -> rules.addAll(r.getRules()));

    assertThat(rules).allSatisfy(rule -> {
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getVerbs()).doesNotContain("*", "escalate", "bind", "impersonate",
          "deletecollection");
      // Generated key material is never rewritten in place (no update). patch is the server-side
      // apply of the one Secret the operator keeps up to date, the managed Redis's accepted
      // passwords; a patch that rewrote a generated Secret would be refused anyway, as those are
      // immutable.
      if (rule.getResources().contains("secrets")) {
        assertThat(rule.getVerbs()).doesNotContain("update");
      }
    });
  }

  @ParameterizedTest
  @MethodSource("valuesArguments")
  void operatorPodMeetsTheRestrictedPodSecurityStandard(List<String> values) {
    Deployment deployment = HelmChart.template(NAMESPACE, values.toArray(String[]::new))
        .one(Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getPorts()).singleElement()
        .satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8081));
    assertThat(env(deployment)).containsEntry("GATEHOUSE_HEALTH_PORT", "8081");
    // The managed Redis's NetworkPolicy admits pods with these labels: they must be the operator's.
    assertThat(OperatorPods.fromEnvironment(Map.of("POD_NAMESPACE", "gatehouse-system",
        OperatorPods.SELECTOR_ENV, env(deployment).get(OperatorPods.SELECTOR_ENV))))
        .hasValueSatisfying(operator -> assertThat(deployment.getSpec().getTemplate().getMetadata()
            .getLabels()).containsAllEntriesOf(operator.labels()));
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
  }

  @Test
  void schemaAndTemplatesRefuseWrongValuesWithAMessage() {
    assertRefused(List.of("--set", "scpe=cluster"), "additional properties 'scpe' not allowed");
    assertRefused(List.of("--set", "scope=everywhere"), "scope");
    assertRefused(List.of("--set", "watchNamespaces={Team_A}"), "watchNamespaces");
    assertRefused(List.of("--set", "scope=cluster", "--set", "watchNamespaces={team-a}"),
        "watchNamespaces must be empty with scope=cluster");
    assertRefused(List.of("--set", "replicaCount=2", "--set", "leaderElection.enabled=false"),
        "replicaCount > 1 needs leaderElection.enabled=true");
    assertRefused(List.of("--set", "serviceAccount.create=false"), "serviceAccount.name is required");
  }

  private static void assertRefused(List<String> values, String message) {
    HelmChart.Result result = HelmChart.helm(HelmChart.templateArgs(NAMESPACE,
        values.toArray(String[]::new)));
    assertThat(result.exitCode()).as("helm template %s should fail", values).isNotZero();
    assertThat(result.stderr()).as("helm template %s", values).contains(message);
  }

  @Test
  void chartCarriesTheGeneratedCrdUnchanged() throws IOException {
    Path committed = HelmChart.REPO.resolve("crds/authservices.gatehouse.dev-v1.yml");
    Path copy = HelmChart.DIR.resolve("files/crds/authservices.gatehouse.dev-v1.yml");

    assertThat(Files.readString(copy))
        .as("the chart's CRD is a copy of the generated one; refresh it with: cp %s %s",
            HelmChart.REPO.relativize(committed), HelmChart.REPO.relativize(copy))
        .isEqualTo(Files.readString(committed));
  }

  @Test
  void templatedCrdIsTheGeneratedOneKeptOnUninstall() throws IOException {
    CustomResourceDefinition rendered = HelmChart.template(NAMESPACE).one(CustomResourceDefinition.class);
    JsonNode generated = YAML.readTree(HelmChart.REPO.resolve("crds/authservices.gatehouse.dev-v1.yml")
        .toFile());

    assertThat(rendered.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
    assertThat(rendered.getMetadata().getName()).isEqualTo(generated.path("metadata").path("name").asText());
    // helm's fromYaml/toYaml turns integers into floats (1 -> 1.0): compare numbers by value.
    JsonNode renderedSpec = YAML.valueToTree(rendered.getSpec());
    assertThat(renderedSpec.equals((a, b) -> a.isNumber() && b.isNumber()
        ? Double.compare(a.doubleValue(), b.doubleValue()) : a.equals(b) ? 0 : 1, generated.path("spec")))
        .as("the rendered CRD's spec equals crds/authservices.gatehouse.dev-v1.yml's").isTrue();
    assertThat(HelmChart.template(NAMESPACE, "--set", "crds.install=false")
        .ofKind("CustomResourceDefinition")).isEmpty();
  }

  @Test
  void alertsAndDashboardQueryMetricsTheOperatorAndAuthServiceExport() throws IOException {
    Rendered rendered = HelmChart.template(NAMESPACE,
        "-f", HelmChart.DIR.resolve("ci/monitoring-values.yaml").toString());
    List<String> queries = new ArrayList<>();
    YAML.valueToTree(rendered.ofKind("PrometheusRule").get(0).getAdditionalProperties().get("spec"))
        .path("groups").forEach(g -> g.path("rules").forEach(r -> queries.add(r.path("expr").asText())));
    JsonNode dashboard = YAML.readTree(rendered.one(ConfigMap.class).getData().get("gatehouse.json"));
    dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
    StringBuilder sources = new StringBuilder();
    for (String module : List.of("operator", "auth-service")) {
      try (Stream<Path> files = Files.walk(HelmChart.REPO.resolve(module).resolve("src/main/java"))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          sources.append(Files.readString(file));
        }
      }
    }
    Set<String> metrics = new TreeSet<>();
    queries.forEach(q -> Pattern.compile("\\bgatehouse_[a-z_]+").matcher(q).results()
        .forEach(m -> metrics.add(m.group())));

    assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(6);
    assertThat(metrics).isNotEmpty().allSatisfy(metric -> {
      // Named as is (the operator's gauges), or as a Micrometer meter whose Prometheus name this is:
      // dots for underscores, without the suffix Prometheus adds to counters and timers.
      String meter = metric.replaceAll("_(total|seconds_bucket|seconds_sum|seconds_count|seconds_max)$", "")
          .replace('_', '.');
      assertThat(sources.toString().contains("\"" + metric + "\"")
          || sources.toString().contains("\"" + meter + "\""))
          .as("%s (meter %s) is registered in operator/ or auth-service/ sources", metric, meter).isTrue();
    });
  }

  static Map<String, String> env(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValue() != null || e.getValueFrom() == null)
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
  }

  private static Set<String> leafPaths(JsonNode node) {
    Set<String> paths = new TreeSet<>();
    collectLeafPaths(node, "", paths);
    return paths;
  }

  /** Maps are walked; anything else (a scalar, a list, an empty map) is a value a user sets. */
  private static void collectLeafPaths(JsonNode node, String prefix, Set<String> paths) {
    String key = prefix.toLowerCase(Locale.ROOT);
    boolean userMap = Stream.of("labels", "annotations", "resources", "affinity", "nodeselector")
        .anyMatch(key::endsWith);
    if (node.isObject() && node.size() > 0 && !userMap) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        collectLeafPaths(field.getValue(), prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            paths);
      }
    } else {
      paths.add(prefix);
    }
  }
}
