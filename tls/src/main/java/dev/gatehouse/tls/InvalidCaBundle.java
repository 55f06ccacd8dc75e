package dev.gatehouse.tls;

/** A CA bundle that cannot be trusted. The message says what to fix and never quotes the file. */
public final class InvalidCaBundle extends Exception {

  InvalidCaBundle(String problem) {
    super(problem);
  }
}
