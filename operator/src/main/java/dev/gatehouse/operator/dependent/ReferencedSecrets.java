package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Watches the Secrets that users own and reference (an external Redis password, their own signing
 * keys). A change rolls the pods through the config hash; a Secret that appears after its
 * AuthService triggers a reconcile at once, so a missing reference is retried by an event rather
 * than by a polling loop.
 */
public final class ReferencedSecrets {

  public static final String EVENT_SOURCE = "referenced-secrets";
  private static final String INDEX = "gatehouse.dev/referenced-secret";

  private ReferencedSecrets() {}

  public static InformerEventSource<Secret, AuthService> eventSource(
      EventSourceContext<AuthService> context) {
    context.getPrimaryCache().addIndexer(INDEX, primary -> indexKeys(primary));
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Secret.class, AuthService.class)
            .withName(EVENT_SOURCE)
            .withPrimaryToSecondaryMapper((AuthService primary) -> referencedByUser(primary).stream()
                .map(name -> new ResourceID(name, primary.getMetadata().getNamespace()))
                .collect(Collectors.toSet()))
            .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
                .byIndex(INDEX, key(secret.getMetadata().getNamespace(),
                    secret.getMetadata().getName()))
                .stream()
                .map(ResourceID::fromResource)
                .collect(Collectors.toSet()))
            .build(),
        context);
  }

  private static List<String> indexKeys(AuthService primary) {
    return referencedByUser(primary).stream()
        .map(name -> key(primary.getMetadata().getNamespace(), name))
        .toList();
  }

  /** None for an AuthService whose spec cannot be read: the index must not fail on it. */
  private static List<String> referencedByUser(AuthService primary) {
    return primary.unreadableSpec().isPresent()
        ? List.of() : PodSecrets.of(primary).referencedByUser();
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
