package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagedRedisTest {

  private static final String PASSWORD = "managed-redis-password-value";

  @Test
  void redisReadsItsPasswordFromAnIncludedFileNeverFromArgumentsOrEnvironment() {
    AuthService primary = AuthServices.example("minimal.yaml");
    CachedSecrets secrets = new CachedSecrets().with(RedisPasswordSecret.name(primary),
        Map.of("password", PASSWORD, "auth.conf", "requirepass " + PASSWORD + "\n"));
    Deployment redis = new ManagedRedisDeployment().desired(primary, secrets.context());
    Container container = redis.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(Serialization.asYaml(redis)).doesNotContain(PASSWORD);
    assertThat(container.getArgs()).containsExactly("/etc/gatehouse/redis/redis.conf");
    assertThat(container.getEnv()).isEmpty();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(ManagedRedisConfigMap.redisConf(primary))
        .contains("include /etc/gatehouse/redis-auth/auth.conf", "maxclients 10000")
        .doesNotContain("requirepass");
  }

  @Test
  void redisRollsWhenItsPasswordIsRotated() {
    AuthService primary = AuthServices.example("minimal.yaml");
    String before = hash(primary, "one");
    String after = hash(primary, "two");

    assertThat(before).isNotEqualTo(after).isEqualTo(hash(primary, "one"));
  }

  @Test
  void networkPolicyAdmitsOnlyThisAuthServicesPods() {
    AuthService primary = AuthServices.example("minimal.yaml");
    NetworkPolicy policy = new RedisNetworkPolicy().desired(primary, new CachedSecrets().context());

    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "redis")
        .containsEntry("app.kubernetes.io/instance", "auth");
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getFrom()).singleElement().satisfies(peer ->
          assertThat(peer.getPodSelector().getMatchLabels())
              .containsEntry("app.kubernetes.io/component", "auth-service")
              .containsEntry("app.kubernetes.io/instance", "auth"));
      assertThat(rule.getPorts()).singleElement()
          .satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(6379));
    });
  }

  private static String hash(AuthService primary, String password) {
    CachedSecrets secrets = new CachedSecrets().with(RedisPasswordSecret.name(primary),
        Map.of("password", password, "auth.conf", "requirepass " + password + "\n"));
    return new ManagedRedisDeployment().desired(primary, secrets.context())
        .getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
  }
}
