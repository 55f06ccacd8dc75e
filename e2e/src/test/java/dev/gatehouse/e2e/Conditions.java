package dev.gatehouse.e2e;

import static org.awaitility.Awaitility.await;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceStatus;
import dev.gatehouse.operator.api.v1alpha1.ConditionTypes;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The e2e tests read an AuthService's conditions through this class, by the operator's
 * {@link ConditionTypes}; a Pod's Ready through {@link PodReadiness}, which the pod runner writes.
 */
final class Conditions {

  private Conditions() {}

  static Optional<Condition> find(AuthService authService, String type) {
    return Optional.ofNullable(authService.getStatus()).map(AuthServiceStatus::getConditions)
        .orElse(List.of()).stream()
        .filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Ready=True for the resource's current generation: what kubectl wait and kstatus check. */
  static boolean isReady(AuthService authService) {
    return authService != null && authService.getStatus() != null
        && find(authService, ConditionTypes.READY).map(c -> "True".equals(c.getStatus())
            && authService.getMetadata().getGeneration().equals(c.getObservedGeneration()))
            .orElse(false);
  }

  /** Waits until the AuthService, as {@code read} returns it now, {@link #isReady is Ready}. */
  static void awaitReady(Duration atMost, Supplier<AuthService> read) {
    await("AuthService Ready").atMost(atMost).until(() -> isReady(read.get()));
  }

  /** "Status/Reason" of a condition, such as {@code True/PoolHealthy}, or "absent". */
  static String statusAndReason(AuthService authService, String type) {
    return find(authService, type).map(c -> c.getStatus() + "/" + c.getReason()).orElse("absent");
  }
}
