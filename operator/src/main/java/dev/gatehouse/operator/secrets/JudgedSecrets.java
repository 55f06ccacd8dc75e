package dev.gatehouse.operator.secrets;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The user's Secrets as one reconcile judged them. The reconciler checks their content and runs the
 * workflow only if they pass; the pod template built in that workflow must hash these same objects.
 * Looked up in the informer cache a second time, an edit that landed in between would reach the
 * template unjudged, and roll the pods onto a key or clients file they refuse. Such an edit is
 * judged on the reconcile its own event starts.
 */
final class JudgedSecrets {

  /** Kept for one reconcile in JOSDK's per-reconcile context, under a key only this class has. */
  private static final Object KEY = new Object();

  private final Map<String, Optional<Secret>> byName;

  private JudgedSecrets(Map<String, Optional<Secret>> byName) {
    this.byName = Map.copyOf(byName);
  }

  /** Takes the named Secrets from the cache, once for this reconcile. */
  static void take(Context<AuthService> context, Collection<String> names) {
    Map<String, Optional<Secret>> byName = new HashMap<>();
    names.forEach(name -> byName.put(name, fromCache(context, name)));
    context.managedWorkflowAndDependentResourceContext().put(KEY, new JudgedSecrets(byName));
  }

  /** The Secret as judged if this reconcile judged it, else as the cache has it now. */
  static Optional<Secret> find(Context<AuthService> context, String name) {
    return context.managedWorkflowAndDependentResourceContext().get(KEY, JudgedSecrets.class)
        .map(judged -> judged.byName.get(name))
        .orElseGet(() -> fromCache(context, name));
  }

  private static Optional<Secret> fromCache(Context<AuthService> context, String name) {
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(secret -> name.equals(secret.getMetadata().getName()))
        .findFirst();
  }
}
