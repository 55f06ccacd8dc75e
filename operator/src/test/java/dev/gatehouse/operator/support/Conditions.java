package dev.gatehouse.operator.support;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The operator's tests read an AuthService's conditions through this class: by the types of
 * {@link dev.gatehouse.operator.api.v1alpha1.ConditionTypes}, with a failure that shows the
 * conditions there are, and awaited on the API server with a failure that shows the status.
 */
public final class Conditions {

  private Conditions() {}

  public static Optional<Condition> find(AuthServiceStatus status, String type) {
    return conditions(status).stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  public static Optional<Condition> find(AuthService service, String type) {
    return find(service.getStatus(), type);
  }

  /** The condition of this type; an AssertionError naming the conditions there are if none. */
  public static Condition condition(AuthServiceStatus status, String type) {
    return find(status, type).orElseThrow(() -> new AssertionError("no " + type
        + " condition in " + conditions(status)));
  }

  public static Condition condition(AuthService service, String type) {
    return condition(service.getStatus(), type);
  }

  public static List<String> types(AuthServiceStatus status) {
    return conditions(status).stream().map(Condition::getType).toList();
  }

  public static List<String> types(AuthService service) {
    return types(service.getStatus());
  }

  /** Whether the condition of this type has this status ("True", "False", "Unknown"). */
  public static boolean hasStatus(AuthService service, String type, String status) {
    return find(service, type).map(c -> status.equals(c.getStatus())).orElse(false);
  }

  /** Whether the condition of this type is True with this reason. */
  public static boolean isTrue(AuthService service, String type, String reason) {
    return find(service, type)
        .map(c -> "True".equals(c.getStatus()) && Objects.equals(reason, c.getReason()))
        .orElse(false);
  }

  /**
   * Waits until the AuthService has a status the operator wrote (observedGeneration and
   * conditions) that passes {@code test}; on timeout an AssertionError shows the status as it is.
   */
  public static AuthService await(KubernetesClient client, String namespace, String name,
      Duration timeout, Predicate<AuthService> test) {
    try {
      return client.resources(AuthService.class).inNamespace(namespace).withName(name)
          .waitUntilCondition(r -> r != null && r.getStatus() != null
                  && r.getStatus().getObservedGeneration() != null
                  && r.getStatus().getConditions() != null && test.test(r),
              timeout.toSeconds(), TimeUnit.SECONDS);
    } catch (KubernetesClientTimeoutException e) {
      AuthService now = client.resources(AuthService.class).inNamespace(namespace).withName(name)
          .get();
      throw new AssertionError("not reached within " + timeout + "; the status is "
          + (now == null ? "absent" : Serialization.asYaml(now.getStatus())), e);
    }
  }

  private static List<Condition> conditions(AuthServiceStatus status) {
    return Optional.ofNullable(status).map(AuthServiceStatus::getConditions).orElse(List.of());
  }
}
