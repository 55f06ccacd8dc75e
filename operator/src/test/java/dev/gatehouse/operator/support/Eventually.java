package dev.gatehouse.operator.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling and pausing for the operator's tests, which wait on an API server or an operator. */
public final class Eventually {

  private static final Duration POLL = Duration.ofMillis(200);

  private Eventually() {}

  /** Polls {@code check} every 200 ms until it holds; an AssertionError once {@code timeout} passed. */
  public static void until(Duration timeout, BooleanSupplier check) {
    until(timeout, POLL, check);
  }

  public static void until(Duration timeout, Duration poll, BooleanSupplier check) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + timeout);
      }
      sleep(poll);
    }
  }

  /** Sleeps; an interrupt fails the test (and keeps the thread's interrupt flag). */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
