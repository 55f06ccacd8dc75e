package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.ReconnectProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * When the pool may try to open a connection again after Redis refused one: exponential backoff
 * with full jitter (delay uniform in [0, min(max, initial * 2^(failures-1))]). Without it every
 * request during an outage would start a connect of its own; the jitter keeps many pods from
 * reconnecting in lock-step when Redis comes back. Requests that arrive inside the backoff window
 * fail at once, which is what keeps verification's 503 fast.
 */
public final class ReconnectPolicy {

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final LongSupplier nanoClock;
    private final DoubleSupplier random;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile long nextAttemptAtNanos;

    public ReconnectPolicy(ReconnectProperties properties) {
        this(properties, System::nanoTime, Math::random);
    }

    ReconnectPolicy(ReconnectProperties properties, LongSupplier nanoClock, DoubleSupplier random) {
        this.initialDelay = properties.initialDelay();
        this.maxDelay = properties.maxDelay();
        this.nanoClock = nanoClock;
        this.random = random;
        this.nextAttemptAtNanos = nanoClock.getAsLong();
    }

    /** The upper bound of the delay after the given number of consecutive failures. */
    Duration ceilingAfter(int failures) {
        if (failures <= 0) {
            return Duration.ZERO;
        }
        int shift = Math.min(failures - 1, 30);
        long ceiling = initialDelay.toNanos() << shift;
        return ceiling <= 0 || ceiling > maxDelay.toNanos() ? maxDelay : Duration.ofNanos(ceiling);
    }

    public boolean mayAttempt() {
        return nanoClock.getAsLong() - nextAttemptAtNanos >= 0;
    }

    public void onFailure() {
        int failures = consecutiveFailures.incrementAndGet();
        long delay = (long) (ceilingAfter(failures).toNanos() * random.getAsDouble());
        nextAttemptAtNanos = nanoClock.getAsLong() + delay;
    }

    /** @return true when this success ends an outage, i.e. it is a reconnect */
    public boolean onSuccess() {
        return consecutiveFailures.getAndSet(0) > 0;
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public Duration nextAttemptIn() {
        long remaining = nextAttemptAtNanos - nanoClock.getAsLong();
        return remaining > 0 ? Duration.ofNanos(remaining) : Duration.ZERO;
    }

    public Duration initialDelay() {
        return initialDelay;
    }

    public Duration maxDelay() {
        return maxDelay;
    }
}
