package dev.gatehouse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceSpec;
import dev.gatehouse.operator.api.v1alpha1.ManagedRedisSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The default resources are the CRD's: what kubectl users get is what the Java model's initializers
 * (used by typed clients and tests) hold.
 */
class DefaultResourcesTest {

  @Test
  void theCrdDefaultsAreTheModelsDefaults() throws IOException {
    JsonNode spec = Serialization.unmarshal(
            Files.readString(Path.of(System.getProperty("gatehouse.crd.committed"))), JsonNode.class)
        .at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties");

    assertThat(resources(spec.at("/resources/default")))
        .isEqualTo(new AuthServiceSpec().getResources());
    assertThat(resources(spec.at("/redis/properties/managed/properties/resources/default")))
        .isEqualTo(new ManagedRedisSpec().getResources());
    assertThat(new AuthServiceSpec().getResources().getLimits()).containsKey("memory");
    assertThat(new ManagedRedisSpec().getResources().getLimits()).containsKey("memory");
  }

  private static ResourceRequirements resources(JsonNode json) {
    assertThat(json.isObject()).as("a default object in the CRD: %s", json).isTrue();
    return Serialization.unmarshal(json.toString(), ResourceRequirements.class);
  }
}
