package dev.gatehouse.operator.dependent;

/** The parts of one AuthService, as named in the {@code app.kubernetes.io/component} label. */
public enum Component {
  AUTH(ResourceLabels.AUTH_COMPONENT, "gatehouse-auth"),
  REDIS(ResourceLabels.REDIS_COMPONENT, "redis");

  private final String label;
  private final String appName;

  Component(String label, String appName) {
    this.label = label;
    this.appName = appName;
  }

  public String label() {
    return label;
  }

  String appName() {
    return appName;
  }
}
