package dev.gatehouse.operator.informer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.secrets.ReferencedSecrets;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagedFieldsDroppingStoreTest {

  @Test
  void keepsEverythingButTheManagedFieldsUnderTheInformersKey() {
    ManagedFieldsDroppingStore<Secret> store = new ManagedFieldsDroppingStore<>();
    Secret secret = new SecretBuilder()
        .withNewMetadata().withName("auth-clients").withNamespace("shop").withResourceVersion("7")
        .addToLabels(ReferencedSecrets.LABEL, "true")
        .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl")
            .withOperation("Apply").build())
        .endMetadata()
        .withData(Map.of("clients.yaml", "Y2xpZW50czogW10K"))
        .build();

    store.put(store.getKey(secret), secret);

    Secret cached = store.get("shop/auth-clients");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(cached.getMetadata().getLabels()).containsEntry(ReferencedSecrets.LABEL, "true");
    assertThat(cached.getData()).containsEntry("clients.yaml", "Y2xpZW50czogW10K");
    assertThat(store.size()).isEqualTo(1);
  }
}
