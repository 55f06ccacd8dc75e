package dev.gatehouse.operator.api;

import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.adminTokenSecretName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.authDeploymentName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.authPodDisruptionBudgetName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.authServiceName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisConfigMapName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisDataClaimName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisNetworkPolicyName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisPasswordSecretName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisPodDisruptionBudgetName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisPodName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisServiceName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisStatefulSetName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.redisUsersSecretName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.sentinelConfigMapName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.sentinelPasswordSecretName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.sentinelNetworkPolicyName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.sentinelPodDisruptionBudgetName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.sentinelServiceName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.sentinelStatefulSetName;
import static dev.gatehouse.operator.api.v1alpha1.AuthServiceResources.signingKeySecretName;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's table "What the operator creates" names each child of an AuthService called
 * {@code auth}: users look objects up by these names and grant RBAC on them, so the table and
 * AuthServiceResources must say the same, whichever of the two changes.
 */
class ChildObjectsReadmeTest {

  private static final String NAME = "auth";
  /** A row of the table: the kinds, the backticked name, the notes. */
  private static final Pattern ROW = Pattern.compile("^\\| ([A-Za-z, ]+) \\| `([^`]+)` \\| (.*) \\|$");

  @Test
  void theReadmeNamesEveryChildAsTheOperatorDoes() throws IOException {
    // The README sits beside examples/, whose location the build passes to every test.
    Path readme = Path.of(System.getProperty("gatehouse.examples.dir", "../examples"))
        .resolveSibling("README.md");
    String text = Files.readString(readme);
    String table = text.substring(text.indexOf("### What the operator creates"));
    table = table.substring(0, table.indexOf("\n\n", table.indexOf("| object |")));
    List<String> rows = table.lines().map(ROW::matcher).filter(Matcher::matches)
        .map(row -> row.group(1) + " " + row.group(2)).toList();

    assertThat(List.of(authServiceName(NAME), authPodDisruptionBudgetName(NAME)))
        .containsOnly(authDeploymentName(NAME));
    assertThat(List.of(redisServiceName(NAME), redisNetworkPolicyName(NAME)))
        .containsOnly(redisStatefulSetName(NAME));
    assertThat(rows).containsExactlyInAnyOrder(
        "Secret " + redisPasswordSecretName(NAME),
        "Secret " + redisUsersSecretName(NAME),
        "Secret " + signingKeySecretName(NAME, JwtAlgorithm.ES256),
        "Secret " + adminTokenSecretName(NAME),
        "Deployment, Service, PodDisruptionBudget " + authDeploymentName(NAME),
        "StatefulSet, Service, NetworkPolicy " + redisStatefulSetName(NAME),
        "PersistentVolumeClaim " + redisDataClaimName(NAME),
        "ConfigMap " + redisConfigMapName(NAME),
        "PodDisruptionBudget " + redisPodDisruptionBudgetName(NAME),
        "StatefulSet, Service, NetworkPolicy, PodDisruptionBudget " + sentinelStatefulSetName(NAME),
        "ConfigMap " + sentinelConfigMapName(NAME),
        "Secret " + sentinelPasswordSecretName(NAME));
    assertThat(List.of(sentinelServiceName(NAME), sentinelNetworkPolicyName(NAME),
        sentinelPodDisruptionBudgetName(NAME))).containsOnly(sentinelStatefulSetName(NAME));
    assertThat(table).contains("pod `" + redisPodName(NAME) + "`");
  }
}
