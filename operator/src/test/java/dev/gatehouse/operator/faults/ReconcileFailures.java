package dev.gatehouse.operator.faults;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.javaoperatorsdk.operator.processing.event.EventProcessor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Counts the reconciles that ended in an exception, as JOSDK's event processor reports each: it
 * logs every one (a 409 at INFO, anything else at WARN or ERROR) and passes it to the retry. Its
 * failure metric misses those followed by another event, which reconcile at once instead.
 *
 * <p>Counted by the AuthService's uid, which JOSDK puts in the MDC of its reconcile threads: the
 * logger is the JVM's, and ApiFaultTest's cases run at once, each with its own server and operator.
 */
final class ReconcileFailures extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  /** JOSDK's MDC key (MDCUtils) for the uid of the resource being reconciled. */
  private static final String UID = "resource.uid";
  private static final Logger LOGGER = (Logger) LoggerFactory.getLogger(EventProcessor.class);
  /** The level before the first instance lowered it, and how many instances need INFO. */
  private static Level levelBefore;
  private static int open;

  private final Map<String, AtomicInteger> byUid = new ConcurrentHashMap<>();
  private final AtomicInteger withoutUid = new AtomicInteger();

  ReconcileFailures() {
    setContext(LOGGER.getLoggerContext());
    start();
    synchronized (ReconcileFailures.class) {
      if (open++ == 0) {
        levelBefore = LOGGER.getLevel();
        // The 409s are logged at INFO, below the tests' root level.
        LOGGER.setLevel(Level.INFO);
      }
    }
    LOGGER.addAppender(this);
  }

  /** The failed reconciles of the AuthService with this uid. */
  int count(String uid) {
    assertThat(withoutUid.get()).as("failed reconciles logged without %s in the MDC", UID).isZero();
    AtomicInteger count = byUid.get(uid);
    return count == null ? 0 : count.get();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getMessage();
    if (message.startsWith("Uncaught error during event processing")
        || message.startsWith("Resource Kubernetes Resource Creator/Update Conflict")) {
      String uid = event.getMDCPropertyMap().get(UID);
      if (uid == null) {
        withoutUid.incrementAndGet();
      } else {
        byUid.computeIfAbsent(uid, key -> new AtomicInteger()).incrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    LOGGER.detachAppender(this);
    synchronized (ReconcileFailures.class) {
      if (--open == 0) {
        LOGGER.setLevel(levelBefore);
      }
    }
    stop();
  }
}
