package dev.gatehouse.operator.reconciler;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events on an AuthService, for {@code kubectl describe} and event exporters.
 * Messages name objects and states, never secret values. Failing to record an event never fails a
 * reconcile: events are a courtesy, status is the contract.
 */
class EventRecorder {

  static final String COMPONENT = "gatehouse-operator";
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);

  private final Clock clock;

  EventRecorder(Clock clock) {
    this.clock = clock;
  }

  void normal(KubernetesClient client, AuthService primary, String reason, String message) {
    record(client, primary, "Normal", reason, message);
  }

  void warning(KubernetesClient client, AuthService primary, String reason, String message) {
    record(client, primary, "Warning", reason, message);
  }

  private void record(KubernetesClient client, AuthService primary, String type, String reason,
      String message) {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    String namespace = primary.getMetadata().getNamespace();
    Event event = new EventBuilder()
        .withNewMetadata()
        .withGenerateName(primary.getMetadata().getName() + ".")
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(primary.getApiVersion())
            .withKind(primary.getKind())
            .withName(primary.getMetadata().getName())
            .withNamespace(namespace)
            .withUid(primary.getMetadata().getUid())
            .withResourceVersion(primary.getMetadata().getResourceVersion())
            .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .build();
    try {
      client.v1().events().inNamespace(namespace).resource(event).create();
    } catch (RuntimeException e) {
      // Refused, throttled past the client's retries, timed out: whatever it was, the reconcile
      // goes on. (A 500 after the server stored it may leave the Event twice: harmless.)
      log.warn("Could not record event {} on {}/{}: {}", reason, namespace,
          primary.getMetadata().getName(), e.getMessage());
    }
  }
}
