package dev.gatehouse.operator.reconciler;

import dev.gatehouse.operator.api.v1alpha1.ConditionReasons;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A failed reconcile as a person should read it in a condition: the reason names the object that
 * could not be written ({@code DeploymentRejected}), the message says what the API server objected
 * to, field by field, and what to do. Nothing of the exception reaches the status: not its class,
 * not the server's URL, not a stack trace (the operator's log has those).
 *
 * @param reason CamelCase, the kind of the object and what happened to it
 * @param message plain words
 * @param needsPerson true when retrying cannot help until someone changes the spec or the cluster:
 *     the AuthService is then Stalled, which kstatus reports as Failed
 * @param needsPersonIfItPersists true for a conflict: once is a race, but one that outlasts the
 *     retries is an object of that name in the way
 */
record ReconcileFailure(String reason, String message, boolean needsPerson,
    boolean needsPersonIfItPersists) {

  /** The kinds the operator writes: a refusal names one of them. */
  private static final List<Class<? extends HasMetadata>> WRITTEN_KINDS = List.of(Secret.class,
      ConfigMap.class, Service.class, Deployment.class, StatefulSet.class, NetworkPolicy.class,
      PodDisruptionBudget.class);
  /** kubectl's prefix of a refusal, {@code deployments.apps "auth" is forbidden: }. */
  private static final Pattern OBJECT_PREFIX =
      Pattern.compile("^\\S+ \"[^\"]*\" is (?:forbidden|invalid): ");
  /** A webhook's or a server's address, which a status message may quote. */
  private static final Pattern URL = Pattern.compile("\"?\\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\\s\"]+\"?");

  /** What to do about a refusal: the operator cannot tell the spec's fault from the cluster's. */
  private static final String ADVICE = "Change the AuthService's spec (or its name, which child"
      + " names and labels derive from), or what in the cluster refuses it (a ResourceQuota, an"
      + " admission policy, the operator's RBAC). The operator tries again when the AuthService"
      + " changes, and every " + AuthServiceReconciler.STALLED_RECHECK.toSeconds() + " s.";

  ReconcileFailure(String reason, String message, boolean needsPerson) {
    this(reason, message, needsPerson, false);
  }

  /** This failure after the retries ran out, or again after it had stalled the AuthService. */
  ReconcileFailure persisting() {
    return needsPersonIfItPersists ? new ReconcileFailure(reason, message, true, true) : this;
  }

  static ReconcileFailure of(Exception e) {
    Optional<AggregatedOperatorException> workflow = causes(e)
        .filter(AggregatedOperatorException.class::isInstance)
        .map(AggregatedOperatorException.class::cast)
        .filter(aggregated -> !aggregated.getAggregatedExceptions().isEmpty())
        .findFirst();
    if (workflow.isPresent()) {
      AggregatedOperatorException aggregated = workflow.get();
      // Sorted by dependent name, so the same failures always give the same condition.
      List<ReconcileFailure> failures = new TreeMap<>(aggregated.getAggregatedExceptions())
          .values().stream().map(ReconcileFailure::of).toList();
      ReconcileFailure first = failures.stream().filter(ReconcileFailure::needsPerson).findFirst()
          .orElse(failures.get(0));
      long others = failures.stream().map(ReconcileFailure::reason).distinct().count() - 1;
      return others == 0 ? first : new ReconcileFailure(first.reason(), first.message()
          + " (" + others + " other kind" + (others == 1 ? " was" : "s were")
          + " refused too.)", first.needsPerson(), first.needsPersonIfItPersists());
    }
    return clientException(e).map(ReconcileFailure::refusal).orElseGet(() -> new ReconcileFailure(
        ConditionReasons.RECONCILE_ERROR, "The operator could not finish reconciling and retries"
            + " with backoff; its log says why.", false));
  }

  /** The exception and its causes: JOSDK's metrics and fabric8's async calls each wrap once. */
  private static Stream<Throwable> causes(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, Throwable::getCause).limit(16);
  }

  private static Optional<KubernetesClientException> clientException(Throwable e) {
    return causes(e).filter(KubernetesClientException.class::isInstance)
        .map(KubernetesClientException.class::cast).findFirst();
  }

  private static ReconcileFailure refusal(KubernetesClientException e) {
    String kind = kind(e);
    // A create's URL has no name; the server's answer has it.
    String object = kind + " " + Optional.ofNullable(e.getName())
        .or(() -> Optional.ofNullable(e.getStatus()).map(Status::getDetails)
            .map(StatusDetails::getName))
        .orElse("");
    int code = e.getCode();
    Optional<Status> status = Optional.ofNullable(e.getStatus()).filter(s -> s.getMessage() != null);
    // 408, 409 and 429 say "try again"; so does a 5xx, or no answer at all.
    boolean permanent = code >= 400 && code < 500 && code != 408 && code != 409 && code != 429;
    if (code == 409) {
      // The operator's own writes carry no resourceVersion, save a create: so a conflict that
      // persists is an object of that name the operator does not manage.
      return new ReconcileFailure(kind + "Conflict", object.strip() + " already exists but is not"
          + " one the operator manages, or it changed while the operator wrote it. If it is"
          + " someone else's, delete or rename it; the operator tries again.", false, true);
    }
    if (!permanent) {
      String said = status.map(ReconcileFailure::said).map(s -> " (" + s + ")").orElse("");
      return new ReconcileFailure(kind + "WriteFailed", code == 0
          ? "The operator could not reach the API server to write " + object.strip()
              + "; it retries with backoff."
          : "The API server did not take the write of " + object.strip() + said
              + "; the operator retries with backoff.", false);
    }
    String said = status.map(ReconcileFailure::said).orElse("refused with HTTP " + code);
    return new ReconcileFailure(kind + "Rejected",
        "The API server refused " + object.strip() + ": " + said + ". " + ADVICE, true);
  }

  /** The causes field by field when the server gave them, else its message without the prefix. */
  private static String said(Status status) {
    List<StatusCause> causes = Optional.ofNullable(status.getDetails()).map(StatusDetails::getCauses)
        .orElse(List.of());
    String said = causes.isEmpty() || status.getCode() == null || status.getCode() != 422
        ? OBJECT_PREFIX.matcher(status.getMessage()).replaceFirst("")
        : String.join("; ", causes.stream().map(c -> c.getField() == null
            ? c.getMessage() : c.getField() + ": " + c.getMessage()).toList());
    return URL.matcher(said).replaceAll("(address omitted)").strip();
  }

  private static String kind(KubernetesClientException e) {
    String plural = e.getResourcePlural();
    Optional<String> written = WRITTEN_KINDS.stream()
        .filter(type -> HasMetadata.getPlural(type).equals(plural))
        .map(HasMetadata::getKind)
        .findFirst();
    return written.orElseGet(() -> Optional.ofNullable(e.getStatus()).map(Status::getDetails)
        .map(StatusDetails::getKind)
        .filter(k -> !k.isEmpty() && Character.isUpperCase(k.charAt(0)))
        .orElse("Object"));
  }
}
