package dev.gatehouse.operator.api.v1alpha1;

/** The parts of one AuthService, as named in the {@code app.kubernetes.io/component} label. */
public enum Component {
  AUTH(AuthServiceResources.AUTH_COMPONENT, "gatehouse-auth"),
  REDIS(AuthServiceResources.REDIS_COMPONENT, "redis"),
  /** The Sentinels of a highly available managed Redis. */
  SENTINEL(AuthServiceResources.SENTINEL_COMPONENT, "redis-sentinel");

  private final String label;
  private final String appName;

  Component(String label, String appName) {
    this.label = label;
    this.appName = appName;
  }

  /** The {@code app.kubernetes.io/component} value. */
  public String label() {
    return label;
  }

  /** The {@code app.kubernetes.io/name} value. */
  String appName() {
    return appName;
  }
}
