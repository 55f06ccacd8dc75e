package dev.gatehouse.operator.faults;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.javaoperatorsdk.operator.processing.event.EventProcessor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Counts the reconciles that ended in an exception, as JOSDK's event processor reports each: it
 * logs every one (a 409 at INFO, anything else at WARN or ERROR) and passes it to the retry. Its
 * failure metric misses those followed by another event, which reconcile at once instead.
 */
final class ReconcileFailures extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger logger = (Logger) LoggerFactory.getLogger(EventProcessor.class);
  private final AtomicInteger count = new AtomicInteger();
  private final Level level = logger.getLevel();

  ReconcileFailures() {
    setContext(logger.getLoggerContext());
    start();
    // The 409s are logged at INFO, below the tests' root level.
    logger.setLevel(Level.INFO);
    logger.addAppender(this);
  }

  int count() {
    return count.get();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getMessage();
    if (message.startsWith("Uncaught error during event processing")
        || message.startsWith("Resource Kubernetes Resource Creator/Update Conflict")) {
      count.incrementAndGet();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(level);
    stop();
  }
}
