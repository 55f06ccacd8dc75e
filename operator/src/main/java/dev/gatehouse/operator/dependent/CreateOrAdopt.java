package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.net.HttpURLConnection;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A create whose answer was lost: the server stored the object, the client saw a 500 or a
 * timeout, and its retry, or the next reconcile's create, is refused with 409 because the object
 * is there (a Secret is created with POST: AlreadyExists; a child with a server-side apply that
 * JOSDK conditions on {@code resourceVersion: 1}: Conflict). If this AuthService owns what is
 * stored, it is the object an earlier try created: adopt it, read back from the server. So a
 * generated Secret is never generated a second time, and the reconcile goes on instead of
 * failing until the informer has caught up. An object this AuthService does not own is not
 * adopted: the 409 stands.
 */
final class CreateOrAdopt {

  private static final Logger log = LoggerFactory.getLogger(CreateOrAdopt.class);

  private CreateOrAdopt() {}

  static <R extends HasMetadata> R create(Supplier<R> create, R desired, AuthService primary,
      Context<AuthService> context) {
    try {
      return create.get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      @SuppressWarnings("unchecked")
      Class<R> type = (Class<R>) desired.getClass();
      R stored = context.getClient().resources(type)
          .inNamespace(desired.getMetadata().getNamespace())
          .withName(desired.getMetadata().getName())
          .get();
      if (stored == null || !ownedBy(stored, primary)) {
        throw e;
      }
      log.info("{} {}/{} was already created by an earlier try whose answer was lost; adopting it",
          stored.getKind(), stored.getMetadata().getNamespace(), stored.getMetadata().getName());
      return stored;
    }
  }

  private static boolean ownedBy(HasMetadata stored, AuthService primary) {
    return stored.getMetadata().getOwnerReferences().stream()
        .anyMatch(owner -> primary.getMetadata().getUid().equals(owner.getUid()));
  }
}
