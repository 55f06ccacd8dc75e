package dev.gatehouse.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a user sees with the real kubectl: the API explains itself, and get shows the columns. */
class KubectlIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  @BeforeAll
  static void installCrd() {
    apiServer.installCrd();
  }

  @Test
  void explainTeachesThePoolSettings() throws InterruptedException {
    String explained = explainOncePublished("authservice.spec.redis.pool");

    assertThat(explained)
        .contains("maxConnections", "The planned total is replicas ×")
        .contains("acquireTimeout", "before it fails with 503")
        .contains("healthCheckInterval", "PINGs Redis");
  }

  @Test
  void explainTeachesWhatTheManagedRedisKeeps() throws InterruptedException {
    // kubectl wraps descriptions at its own width.
    assertThat(explainOncePublished("authservice.spec.redis.managed").replaceAll("\\s+", " "))
        .contains("storage", "append-only file", "survive a restart")
        .contains("ephemeral", "revoked tokens are accepted again");
    assertThat(explainOncePublished("authservice.spec.redis.managed.storage").replaceAll("\\s+", " "))
        .contains("size", "storageClassName", "the cluster's default class");
  }

  @Test
  void explainTeachesTheHighlyAvailableRedis() throws InterruptedException {
    assertThat(explainOncePublished("authservice.spec.redis.managed").replaceAll("\\s+", " "))
        .contains("highAvailability", "Sentinel promotes a replica");
    assertThat(explainOncePublished("authservice.spec.redis.managed.highAvailability")
        .replaceAll("\\s+", " "))
        .contains("replicas", "one primary and replicas - 1 replicas")
        .contains("sentinels", "an odd number, 3 to 7", "Fixed at creation")
        .contains("quorum", "a majority of sentinels")
        .contains("replicaAcks", "before it is acknowledged to the client");
  }

  @Test
  void explainTeachesTheRedisMode() throws InterruptedException {
    assertThat(explainOncePublished("authservice.spec.redis.mode").replaceAll("\\s+", " "))
        .contains("Managed", "(default)", "External", "`external` says where");
  }

  /** The OpenAPI document that explain reads is published a moment after the CRD is Established. */
  private static String explainOncePublished(String field) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return apiServer.kubectl("explain", field);
      } catch (IllegalStateException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        Thread.sleep(500);
      }
    }
  }

  @Test
  void shortNameCategoryAndPrinterColumnsWork() {
    String namespace = apiServer.namespace();
    try (GatehouseOperator operator = InProcessOperator.watching(apiServer, namespace)) {
      apiServer.kubectl("apply", "--server-side", "-n", namespace, "-f",
          Path.of(System.getProperty("gatehouse.examples.dir"), "minimal.yaml").toString());
      apiServer.kubectl("wait", "-n", namespace, "--for=jsonpath={.status.observedGeneration}=1",
          "authservice/auth", "--timeout=60s");

      String table = apiServer.kubectl("get", "gatehouse", "-n", namespace, "-o", "wide");
      String byShortName = apiServer.kubectl("get", "gas", "-n", namespace);

      // The CRD generator orders columns by JSONPath, so AGE comes first; the set is what matters.
      assertThat(table.lines().toList()).hasSize(2);
      assertThat(table.lines().findFirst().orElseThrow().split("\\s+"))
          .containsExactlyInAnyOrder("NAME", "AGE", "DESIRED", "READY", "REDIS", "REPLICAS",
              "CONNECTIONS");
      assertThat(table.lines().skip(1).findFirst().orElseThrow().split("\\s+"))
          .startsWith("auth").contains("False", "Unknown", "2", "32");
      assertThat(byShortName).startsWith("NAME").contains("auth");
    }
  }
}
