package dev.gatehouse.operator.secrets;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.informer.ManagedFieldsDroppingStore;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Watches the Secrets that users own and reference (an external Redis password, their own signing
 * keys, the clients file). A change rolls the pods through the config hash.
 *
 * <p>The informer watches only Secrets labelled {@value #LABEL}{@code =true}, which the operator
 * puts on each Secret an AuthService references ({@link #label}). Unselected, it would cache every
 * Secret of the watched namespaces: the operator's own (already in {@code GeneratedSecrets}'
 * informer), Helm's release records (up to 1 MiB each), service-account tokens, TLS keys. Labelling
 * keeps one watch per namespace whatever the number of references, where a watch per referenced
 * name would open one stream each. The cost: a Secret created after the AuthService that names it
 * is seen when the reconcile that retries the missing reference labels it, at most
 * {@link #MISSING_RETRY} later, or at once if it is created with the label.
 */
public final class ReferencedSecrets {

  public static final String EVENT_SOURCE = "referenced-secrets";
  /** On a user's Secret: an AuthService reads it, so the operator watches it. */
  public static final String LABEL = "gatehouse.dev/referenced";
  /** While a referenced Secret does not exist, how soon to look again: nothing watches for it. */
  public static final Duration MISSING_RETRY = Duration.ofSeconds(10);
  private static final String INDEX = "gatehouse.dev/referenced-secret";
  private static final String LABEL_PATCH =
      "{\"metadata\":{\"labels\":{\"" + LABEL + "\":\"true\"}}}";

  private ReferencedSecrets() {}

  public static InformerEventSource<Secret, AuthService> eventSource(
      EventSourceContext<AuthService> context) {
    context.getPrimaryCache().addIndexer(INDEX, primary -> indexKeys(primary));
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Secret.class, AuthService.class)
            .withName(EVENT_SOURCE)
            .withLabelSelector(LABEL + "=true")
            .withItemStore(new ManagedFieldsDroppingStore<>())
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

  /**
   * Puts the label on each referenced Secret that exists but is not in the cache yet (a merge patch
   * of that one label; the API server answers 404 for one that does not exist, and nothing is
   * written). A labelled Secret goes into the informer's cache at once, so this reconcile sees it.
   * Returns whether a referenced Secret is still missing.
   */
  @SuppressWarnings("unchecked")
  public static boolean label(AuthService primary, Context<AuthService> context) {
    String namespace = primary.getMetadata().getNamespace();
    List<String> unseen = referencedByUser(primary).stream()
        .distinct()
        .filter(name -> PodSecrets.find(context, name).isEmpty())
        .toList();
    if (unseen.isEmpty()) {
      return false;
    }
    InformerEventSource<Secret, AuthService> informer = (InformerEventSource<Secret, AuthService>)
        context.eventSourceRetriever().getEventSourceFor(Secret.class, EVENT_SOURCE);
    boolean missing = false;
    for (String name : unseen) {
      try {
        // Patched through a stub: by name alone, fabric8 reads the Secret first, and the operator
        // may list and watch Secrets but not get one.
        Secret stub = new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
            .endMetadata().build();
        Secret labelled = context.getClient().secrets().inNamespace(namespace).resource(stub)
            .patch(PatchContext.of(PatchType.JSON_MERGE), LABEL_PATCH);
        informer.handleRecentResourceCreate(ResourceID.fromResource(primary), labelled);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
          throw e;
        }
        missing = true;
      }
    }
    return missing;
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
