package dev.gatehouse.operator.dependent;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.managed.DefaultManagedWorkflowAndDependentResourceContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A reconcile context whose informer caches hold the given Secrets, as the API server returns them,
 * and any other objects added with {@link #with(HasMetadata)}.
 */
public final class CachedSecrets {

  private final List<Secret> secrets = new ArrayList<>();
  private final List<HasMetadata> others = new ArrayList<>();

  public CachedSecrets with(HasMetadata object) {
    others.add(object);
    return this;
  }

  public CachedSecrets with(String name, Map<String, String> entries) {
    Map<String, byte[]> bytes = new TreeMap<>();
    entries.forEach((key, value) -> bytes.put(key, value.getBytes(StandardCharsets.UTF_8)));
    return withBytes(name, bytes);
  }

  /** A Secret whose entries are bytes that need not be UTF-8 text. */
  public CachedSecrets withBytes(String name, Map<String, byte[]> entries) {
    Map<String, String> data = new TreeMap<>();
    entries.forEach((key, value) -> data.put(key, Base64.getEncoder().encodeToString(value)));
    secrets.add(new SecretBuilder().withNewMetadata().withName(name).withNamespace("shop")
        .endMetadata().withData(data).build());
    return this;
  }

  /** An update event: the cache holds a new object for {@code name}, as an informer does. */
  public CachedSecrets replace(String name, Map<String, String> entries) {
    secrets.removeIf(secret -> name.equals(secret.getMetadata().getName()));
    return with(name, entries);
  }

  /** The last Secret added under {@code name}, to change what the cache holds. */
  public Secret secret(String name) {
    return secrets.stream().filter(s -> name.equals(s.getMetadata().getName()))
        .reduce((first, second) -> second).orElseThrow();
  }

  @SuppressWarnings("unchecked")
  public Context<AuthService> context() {
    Context<AuthService> context = mock(Context.class);
    // Per reconcile in JOSDK: a test that calls context() again starts the next reconcile.
    when(context.managedWorkflowAndDependentResourceContext())
        .thenReturn(new DefaultManagedWorkflowAndDependentResourceContext<>(null, null, context));
    when(context.getSecondaryResourcesAsStream(Secret.class))
        .thenAnswer(invocation -> List.copyOf(secrets).stream());
    when(context.getSecondaryResourcesAsStream(Pod.class)).thenAnswer(invocation -> of(Pod.class));
    when(context.getSecondaryResourcesAsStream(Deployment.class))
        .thenAnswer(invocation -> of(Deployment.class));
    return context;
  }

  private <T extends HasMetadata> Stream<T> of(Class<T> type) {
    return List.copyOf(others).stream().filter(type::isInstance).map(type::cast);
  }
}
