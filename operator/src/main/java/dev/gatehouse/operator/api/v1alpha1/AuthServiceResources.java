package dev.gatehouse.operator.api.v1alpha1;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The names and labels of the objects the operator makes for one AuthService, derived from its
 * name: the one place that says what each child is called, for the dependents that make them, the
 * health code that finds them and the tests that look for them (Strimzi's {@code KafkaResources}).
 * Every child is named after the AuthService; {@link AuthService#MAX_NAME_LENGTH} bounds that name
 * so that each of these is a name the API server takes (ChildNamesTest).
 */
public final class AuthServiceResources {

  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "gatehouse-operator";
  /** Informers of the operator's own children watch only objects with this label. */
  public static final String MANAGED_SELECTOR = MANAGED_BY_LABEL + "=" + OPERATOR;

  public static final String NAME_LABEL = "app.kubernetes.io/name";
  public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String PART_OF_LABEL = "app.kubernetes.io/part-of";

  /** The {@link #COMPONENT_LABEL} values of {@link Component}, as constants for annotations. */
  static final String AUTH_COMPONENT = "auth-service";
  static final String REDIS_COMPONENT = "redis";
  static final String SENTINEL_COMPONENT = "redis-sentinel";
  /**
   * For two dependents of one kind: each informer caches its own component's objects only, not
   * both (an informer caches everything its selector matches).
   */
  public static final String MANAGED_AUTH_SELECTOR =
      MANAGED_SELECTOR + "," + COMPONENT_LABEL + "=" + AUTH_COMPONENT;
  public static final String MANAGED_REDIS_SELECTOR =
      MANAGED_SELECTOR + "," + COMPONENT_LABEL + "=" + REDIS_COMPONENT;
  public static final String MANAGED_SENTINEL_SELECTOR =
      MANAGED_SELECTOR + "," + COMPONENT_LABEL + "=" + SENTINEL_COMPONENT;
  /**
   * The name under which the managed Sentinels monitor the managed primary: one primary per set
   * of Sentinels, so a fixed name.
   */
  public static final String SENTINEL_MASTER_NAME = "gatehouse";

  /** The auth pods' container, and its port where the API and /health/redis answer. */
  public static final String AUTH_CONTAINER = "auth-service";
  public static final int AUTH_HTTP_PORT = 8080;
  /** The Redis StatefulSet's claim template, and so the first part of its claim's name. */
  public static final String REDIS_DATA_VOLUME = "data";

  private AuthServiceResources() {}

  /** The auth pods' Deployment. */
  public static String authDeploymentName(String authService) {
    return authService;
  }

  /** The ClusterIP Service of the auth pods: clients reach {@code <name>.<namespace>.svc}. */
  public static String authServiceName(String authService) {
    return authService;
  }

  public static String authPodDisruptionBudgetName(String authService) {
    return authService;
  }

  public static String adminTokenSecretName(String authService) {
    return authService + "-admin-token";
  }

  /** The generated signing key: the algorithm is part of the name, so a change makes a new one. */
  public static String signingKeySecretName(String authService, JwtAlgorithm algorithm) {
    return authService + "-jwt-" + algorithm.name().toLowerCase(Locale.ROOT);
  }

  public static String redisStatefulSetName(String authService) {
    return authService + "-redis";
  }

  /** The one managed Redis pod, or the first of a highly available set. */
  public static String redisPodName(String authService) {
    return redisPodName(authService, 0);
  }

  /** A managed Redis pod: a StatefulSet names its pods by ordinal. */
  public static String redisPodName(String authService, int ordinal) {
    return redisStatefulSetName(authService) + "-" + ordinal;
  }

  /** The claim of the managed Redis pod, as the StatefulSet controller names it. */
  public static String redisDataClaimName(String authService) {
    return REDIS_DATA_VOLUME + "-" + redisPodName(authService);
  }

  /** The address of the managed Redis, and the StatefulSet's governing Service. */
  public static String redisServiceName(String authService) {
    return authService + "-redis";
  }

  public static String redisNetworkPolicyName(String authService) {
    return authService + "-redis";
  }

  /** The PodDisruptionBudget of a highly available managed Redis: one pod down at a time. */
  public static String redisPodDisruptionBudgetName(String authService) {
    return authService + "-redis";
  }

  /** The Sentinels' StatefulSet, their Service, PodDisruptionBudget and NetworkPolicy. */
  public static String sentinelStatefulSetName(String authService) {
    return authService + "-sentinel";
  }

  /** The auth pods ask the Sentinels through this Service, and the Sentinels' pods are named by it. */
  public static String sentinelServiceName(String authService) {
    return sentinelStatefulSetName(authService);
  }

  public static String sentinelPodDisruptionBudgetName(String authService) {
    return sentinelStatefulSetName(authService);
  }

  public static String sentinelNetworkPolicyName(String authService) {
    return sentinelStatefulSetName(authService);
  }

  /** The Sentinels' starting configuration, which each copies to a file it may rewrite. */
  public static String sentinelConfigMapName(String authService) {
    return authService + "-sentinel-config";
  }

  /** The managed Sentinels' own password, which they, their peers, the auth pods and the operator use. */
  public static String sentinelPasswordSecretName(String authService) {
    return authService + "-sentinel-password";
  }

  public static String redisConfigMapName(String authService) {
    return authService + "-redis-config";
  }

  /** The current managed-Redis password, which the auth pods mount. */
  public static String redisPasswordSecretName(String authService) {
    return authService + "-redis-password";
  }

  /** The passwords the managed Redis accepts, which the Redis pod mounts. */
  public static String redisUsersSecretName(String authService) {
    return authService + "-redis-users";
  }

  /** The full label set; sorted, so that desired objects serialize the same every time. */
  public static Map<String, String> labels(String authService, Component component) {
    Map<String, String> labels = new TreeMap<>(selector(authService, component));
    labels.put(PART_OF_LABEL, "gatehouse");
    labels.put(MANAGED_BY_LABEL, OPERATOR);
    return labels;
  }

  /** The immutable subset used in Deployment and Service selectors. */
  public static Map<String, String> selector(String authService, Component component) {
    Map<String, String> labels = new TreeMap<>();
    labels.put(NAME_LABEL, component.appName());
    labels.put(INSTANCE_LABEL, authService);
    labels.put(COMPONENT_LABEL, component.label());
    return labels;
  }

  /** The selector as a string, the form {@code status.selector} and label queries take. */
  public static String selectorString(String authService, Component component) {
    return selector(authService, component).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }
}
