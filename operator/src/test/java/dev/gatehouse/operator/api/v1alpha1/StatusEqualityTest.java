package dev.gatehouse.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reconciler writes the status only when it is not equal to the stored one. Each property of
 * the status types must therefore take part in equality: with one changed, a status is no longer
 * equal. The sample holds every property the model has, so a property added later fails here
 * until the sample has it too, and is then checked like the others.
 */
class StatusEqualityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = """
      {"observedGeneration": 3, "replicas": 2, "readyReplicas": 1,
       "selector": "app.kubernetes.io/instance=auth",
       "conditions": [{"type": "Ready", "status": "False", "reason": "PodsNotReady",
                       "message": "1 of 2 auth pods ready", "observedGeneration": 3,
                       "lastTransitionTime": "2026-01-01T00:00:00Z"}],
       "redisPool": {"maxConnectionsPerPod": 16, "plannedConnections": 32, "serverMaxClients": 1000,
                     "runningPods": 2, "reportingPods": 1, "health": "degraded",
                     "highUtilization": true, "warnings": ["HighUtilization"]},
       "signingKey": {"activeKid": "k2", "activeSince": "2026-01-01T00:00:00Z",
                      "nextRotation": "2026-01-31T00:00:00Z", "publishingKid": "k3",
                      "retiringKid": "k1", "retiringAfter": "2026-01-01T00:15:30Z"}}
      """;

  static Stream<String> properties() {
    return Stream.of(names(AuthServiceStatus.class).stream(),
            names(RedisPoolStatus.class).stream().map(name -> "redisPool/" + name),
            names(SigningKeyStatus.class).stream().map(name -> "signingKey/" + name))
        .flatMap(names -> names);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("properties")
  void aStatusThatDiffersInOnePropertyIsNotEqual(String property) throws Exception {
    AuthServiceStatus stored = JSON.readValue(SAMPLE, AuthServiceStatus.class);
    ObjectNode changed = (ObjectNode) JSON.readTree(SAMPLE);
    ObjectNode parent = property.contains("/")
        ? (ObjectNode) changed.get(property.substring(0, property.indexOf('/'))) : changed;
    String name = property.substring(property.indexOf('/') + 1);
    assertThat(parent.has(name)).as("the sample sets %s", property).isTrue();
    parent.remove(name);

    assertThat(JSON.readValue(SAMPLE, AuthServiceStatus.class)).isEqualTo(stored)
        .hasSameHashCodeAs(stored);
    assertThat(JSON.treeToValue(changed, AuthServiceStatus.class)).isNotEqualTo(stored);
  }

  private static List<String> names(Class<?> type) {
    JavaType javaType = JSON.constructType(type);
    return JSON.getSerializationConfig().introspect(javaType).findProperties().stream()
        .map(BeanPropertyDefinition::getName)
        .toList();
  }
}
