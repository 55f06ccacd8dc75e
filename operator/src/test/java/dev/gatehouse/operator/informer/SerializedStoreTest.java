package dev.gatehouse.operator.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

class SerializedStoreTest {

  private final SerializedStore<Deployment> store = new SerializedStore<>();

  @Test
  void givesBackWhatWasPutWithItsManagedFieldsAsAFreshCopyAndThePreviousOnReplace() {
    Deployment first = deployment("1");
    assertThat(store.put(store.getKey(first), first)).isNull();

    Deployment cached = store.get("shop/auth");
    assertThat(cached).isEqualTo(deployment("1")).isNotSameAs(first);
    assertThat(cached.getMetadata().getManagedFields()).singleElement()
        .satisfies(entry -> assertThat(entry.getManager()).isEqualTo("gatehouse-operator"));
    cached.getSpec().setReplicas(9);
    assertThat(store.get("shop/auth").getSpec().getReplicas()).isEqualTo(2);

    assertThat(store.put("shop/auth", deployment("2")).getMetadata().getResourceVersion()).isEqualTo("1");
    assertThat(store.values()).singleElement()
        .satisfies(d -> assertThat(d.getMetadata().getResourceVersion()).isEqualTo("2"));
    assertThat(store.keySet()).containsExactly("shop/auth");
    assertThat(store.remove("shop/auth").getMetadata().getResourceVersion()).isEqualTo("2");
    assertThat(store.get("shop/auth")).isNull();
    assertThat(store.size()).isZero();
  }

  @Test
  void givesBackAnObjectLargerThanOneDeflatedChunkByteForByte() {
    // Random characters do not compress, so the deflated bytes span several of the store's chunks.
    StringBuilder noise = new StringBuilder();
    java.util.Random random = new java.util.Random(11);
    while (noise.length() < 50_000) {
      noise.append((char) ('!' + random.nextInt(90)));
    }
    Deployment large = new DeploymentBuilder(deployment("7"))
        .editMetadata().addToAnnotations("noise", noise.toString()).endMetadata().build();
    store.put(store.getKey(large), large);

    assertThat(store.get("shop/auth")).isEqualTo(large);
  }

  private static Deployment deployment(String resourceVersion) {
    return new DeploymentBuilder()
        .withNewMetadata().withName("auth").withNamespace("shop").withResourceVersion(resourceVersion)
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("gatehouse-operator")
            .withOperation("Apply").withNewFieldsV1().addToAdditionalProperties("f:spec", java.util.Map.of())
            .endFieldsV1().build())
        .endMetadata()
        .withNewSpec().withReplicas(2).endSpec()
        .build();
  }
}
