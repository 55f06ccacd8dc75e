package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.config.ReconnectProperties;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

    private final AtomicLong now = new AtomicLong();
    private double random = 1.0;
    private final ReconnectPolicy policy = new ReconnectPolicy(
            new ReconnectProperties(Duration.ofMillis(100), Duration.ofSeconds(2)), now::get, () -> random);

    @Test
    void ceilingDoublesPerFailureUpToTheMaximum() {
        assertThat(policy.ceilingAfter(0)).isEqualTo(Duration.ZERO);
        assertThat(policy.ceilingAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.ceilingAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.ceilingAfter(5)).isEqualTo(Duration.ofMillis(1600));
        assertThat(policy.ceilingAfter(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.ceilingAfter(500)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void attemptsWaitForTheJitteredDelay() {
        assertThat(policy.mayAttempt()).isTrue();
        random = 0.5;
        policy.onFailure();
        policy.onFailure();
        // second failure: ceiling 200 ms, half of it by the jitter
        assertThat(policy.nextAttemptIn()).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.mayAttempt()).isFalse();
        now.addAndGet(Duration.ofMillis(99).toNanos());
        assertThat(policy.mayAttempt()).isFalse();
        now.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(policy.mayAttempt()).isTrue();
    }

    @Test
    void fullJitterCanRetryAtOnceAndNeverExceedsTheCeiling() {
        random = 0.0;
        policy.onFailure();
        assertThat(policy.mayAttempt()).isTrue();
        random = 0.999;
        for (int i = 0; i < 20; i++) {
            policy.onFailure();
        }
        assertThat(policy.nextAttemptIn()).isLessThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void successAfterFailuresIsAReconnectAndResets() {
        assertThat(policy.onSuccess()).isFalse();
        policy.onFailure();
        assertThat(policy.consecutiveFailures()).isEqualTo(1);
        assertThat(policy.onSuccess()).isTrue();
        assertThat(policy.consecutiveFailures()).isZero();
    }
}
