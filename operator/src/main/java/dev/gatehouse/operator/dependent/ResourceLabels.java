package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The {@code app.kubernetes.io/*} labels every child object carries, and the selectors built on them. */
public final class ResourceLabels {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "gatehouse-operator";
  /** Informers of the operator's own children watch only objects with this label. */
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + OPERATOR;

  public static final String NAME = "app.kubernetes.io/name";
  public static final String INSTANCE = "app.kubernetes.io/instance";
  public static final String COMPONENT = "app.kubernetes.io/component";
  public static final String PART_OF = "app.kubernetes.io/part-of";

  /** The {@link #COMPONENT} values of {@link Component}, as constants for informer annotations. */
  static final String AUTH_COMPONENT = "auth-service";
  static final String REDIS_COMPONENT = "redis";
  /**
   * For two dependents of one kind: each informer caches its own component's objects only, not
   * both (an informer caches everything its selector matches).
   */
  static final String MANAGED_AUTH_SELECTOR = MANAGED_SELECTOR + "," + COMPONENT + "=" + AUTH_COMPONENT;
  static final String MANAGED_REDIS_SELECTOR = MANAGED_SELECTOR + "," + COMPONENT + "=" + REDIS_COMPONENT;

  private ResourceLabels() {}

  /** The full label set; sorted, so that desired objects serialize the same every time. */
  public static Map<String, String> of(AuthService primary, Component component) {
    Map<String, String> labels = new TreeMap<>(selector(primary, component));
    labels.put(PART_OF, "gatehouse");
    labels.put(MANAGED_BY, OPERATOR);
    return labels;
  }

  /** The immutable subset used in Deployment and Service selectors. */
  public static Map<String, String> selector(AuthService primary, Component component) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(NAME, component.appName());
    labels.put(INSTANCE, primary.getMetadata().getName());
    labels.put(COMPONENT, component.label());
    return labels;
  }

  /** The selector as a string, the form {@code status.selector} and label queries take. */
  public static String selectorString(AuthService primary, Component component) {
    return selector(primary, component).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /**
   * The AuthService an object of its pods belongs to, by the instance label: pods are owned by
   * ReplicaSets and StatefulSets, not by the AuthService, so informers map them back this way.
   */
  public static Set<ResourceID> instanceOf(HasMetadata object) {
    return Optional.ofNullable(object.getMetadata().getLabels())
        .map(labels -> labels.get(INSTANCE))
        .map(name -> Set.of(new ResourceID(name, object.getMetadata().getNamespace())))
        .orElse(Set.of());
  }
}
