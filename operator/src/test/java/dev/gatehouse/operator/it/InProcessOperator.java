package dev.gatehouse.operator.it;

import dev.gatehouse.operator.GatehouseOperator;
import dev.gatehouse.operator.OperatorSettings;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Starts the operator the way its main does, in this JVM, against the test API server. Scoped to
 * one namespace: the API server is shared by every test class, and nothing garbage-collects what
 * earlier tests left behind.
 */
final class InProcessOperator {

  private InProcessOperator() {}

  static GatehouseOperator watching(RealApiServerExtension apiServer, String namespace) {
    return start(apiServer, new OperatorSettings(Set.of(namespace), false, null, 0));
  }

  static GatehouseOperator start(RealApiServerExtension apiServer, OperatorSettings settings) {
    try {
      return GatehouseOperator.start(apiServer.client().getConfiguration(), settings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the operator's health port", e);
    }
  }
}
