package dev.gatehouse.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAfterDelayTest {

  private final RetryAfterDelay delay = new RetryAfterDelay(Duration.ofSeconds(10));

  @Test
  void waitsTheSecondsTheServerAsksFor() {
    assertThat(delay.wait("2")).contains(Duration.ofSeconds(2));
    assertThat(delay.wait(" 3 ")).contains(Duration.ofSeconds(3));
  }

  @Test
  void aLongRetryAfterIsCappedToFitTheDeadlineOfOneTry() {
    assertThat(delay.wait("600")).contains(Duration.ofSeconds(5));
    assertThat(new RetryAfterDelay(Duration.ofSeconds(2)).wait("4")).contains(Duration.ofSeconds(2));
  }

  @Test
  void nothingUsableLeavesTheWaitToTheBackoff() {
    assertThat(delay.wait(null)).isEmpty();
    assertThat(delay.wait("0")).isEmpty();
    assertThat(delay.wait("-5")).isEmpty();
    assertThat(delay.wait("soon")).isEmpty();
    assertThat(delay.wait("Wed, 21 Oct 2015 07:28:00 GMT")).isEmpty();
    assertThat(delay.wait("99999999999999999999")).isEmpty();
  }
}
