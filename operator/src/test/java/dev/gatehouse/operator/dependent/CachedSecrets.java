package dev.gatehouse.operator.dependent;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A reconcile context whose informer caches hold the given Secrets, as the API server returns them. */
final class CachedSecrets {

  private final List<Secret> secrets = new ArrayList<>();

  CachedSecrets with(String name, Map<String, String> entries) {
    Map<String, String> data = new TreeMap<>();
    entries.forEach((key, value) -> data.put(key,
        Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
    secrets.add(new SecretBuilder().withNewMetadata().withName(name).withNamespace("shop")
        .endMetadata().withData(data).build());
    return this;
  }

  @SuppressWarnings("unchecked")
  Context<AuthService> context() {
    Context<AuthService> context = mock(Context.class);
    when(context.getSecondaryResourcesAsStream(Secret.class))
        .thenAnswer(invocation -> List.copyOf(secrets).stream());
    return context;
  }
}
