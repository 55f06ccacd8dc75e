package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.Contracts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The producer's side of contracts/health-redis: the running service's body has exactly the keys
 * of the samples, with the same JSON types where both have a value. The operator's
 * PodPoolReportContractTest parses the same files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthRedisContractIT {

    private static final Path SAMPLES = Contracts.path("health-redis");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            // A failed check is what makes a report unhealthy when no request needs Redis.
            .with("gatehouse.redis.pool.health-check-interval", "1s");

    @Order(1)
    @Test
    void aHealthyBodyHasTheShapeOfTheSample() throws Exception {
        JsonNode body = await(200, "healthy");

        assertSameShape(body, sample("healthy.json"));
        // The samples agree among themselves: a warning has the same members in each.
        assertSameShape(sample("degraded.json"), sample("unhealthy.json"));
    }

    @Order(2)
    @Test
    void anUnhealthyBodyHasTheShapeOfTheSample() throws Exception {
        service.redis().stop();
        try {
            assertSameShape(await(503, "unhealthy"), sample("unhealthy.json"));
        } finally {
            service.redis().start();
        }
    }

    private static JsonNode await(int status, String state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        JsonNode body = null;
        while (System.nanoTime() < deadline) {
            var result = service.client().get().uri("/health/redis").exchange().expectBody(String.class).returnResult();
            body = JSON.readTree(result.getResponseBody());
            if (result.getStatus().value() == status && state.equals(body.path("status").asString())) {
                return body;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no " + state + " report within 20 s; last: " + body);
    }

    private static JsonNode sample(String name) throws IOException {
        return JSON.readTree(Files.readString(SAMPLES.resolve(name)));
    }

    /** Same key paths; the same JSON type wherever neither side is null. */
    static void assertSameShape(JsonNode actual, JsonNode sample) {
        Map<String, JsonNode> actualFields = flatten(actual);
        Map<String, JsonNode> sampleFields = flatten(sample);
        assertThat(actualFields.keySet()).as("keys of /health/redis against the sample")
                .containsExactlyElementsOf(sampleFields.keySet());
        sampleFields.forEach((path, expected) -> {
            JsonNode value = actualFields.get(path);
            if (!expected.isNull() && !value.isNull()) {
                assertThat(value.getNodeType()).as(path).isEqualTo(expected.getNodeType());
            }
        });
    }

    /** Leaves by path; array elements share one path, {@code warnings[]}, since their number varies. */
    private static Map<String, JsonNode> flatten(JsonNode node) {
        Map<String, JsonNode> leaves = new TreeMap<>();
        flatten("", node, leaves);
        return leaves;
    }

    private static void flatten(String path, JsonNode node, Map<String, JsonNode> leaves) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), leaves));
        } else if (node.isArray()) {
            leaves.put(path, JSON.createArrayNode());
            node.forEach(element -> flatten(path + "[]", element, leaves));
        } else {
            leaves.put(path, node);
        }
    }
}
