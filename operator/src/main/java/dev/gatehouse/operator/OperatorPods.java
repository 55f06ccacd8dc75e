package dev.gatehouse.operator;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where the operator itself runs, as the chart tells it: its namespace ({@code POD_NAMESPACE}) and
 * the labels of its pods ({@code GATEHOUSE_OPERATOR_POD_SELECTOR}, {@code k=v,k=v}). The managed
 * Redis's NetworkPolicy admits these pods, because the operator tells Redis of password rotations.
 * Unknown when the operator runs outside the cluster: then no pod of it needs admitting.
 */
public record OperatorPods(String namespace, Map<String, String> labels) {

  public static final String SELECTOR_ENV = "GATEHOUSE_OPERATOR_POD_SELECTOR";

  public static Optional<OperatorPods> fromEnvironment(Map<String, String> env) {
    String namespace = env.get("POD_NAMESPACE");
    String selector = env.get(SELECTOR_ENV);
    if (namespace == null || namespace.isBlank() || selector == null || selector.isBlank()) {
      return Optional.empty();
    }
    Map<String, String> labels = new TreeMap<>();
    for (String pair : selector.split(",")) {
      String[] kv = pair.split("=", 2);
      if (kv.length != 2 || kv[0].isBlank()) {
        throw new IllegalArgumentException(SELECTOR_ENV + " must be key=value pairs separated by"
            + " commas, not '" + selector + "'");
      }
      labels.put(kv[0].trim(), kv[1].trim());
    }
    return Optional.of(new OperatorPods(namespace.trim(), labels));
  }

  public static Optional<OperatorPods> fromEnvironment() {
    return fromEnvironment(System.getenv());
  }
}
