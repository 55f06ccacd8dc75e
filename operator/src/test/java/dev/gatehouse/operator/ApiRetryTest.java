package dev.gatehouse.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiRetryTest {

  @Test
  void aFailingReconcileIsRetriedForEverWithABackoffThatDoublesToItsCap() {
    RetryExecution retry = ApiRetry.reconcileRetry().initExecution();
    List<Long> delays = new ArrayList<>();
    for (int attempt = 0; attempt < 1000; attempt++) {
      assertThat(retry.isLastAttempt()).isFalse();
      delays.add(retry.nextDelay().orElseThrow());
    }

    assertThat(delays.subList(0, 5)).containsExactly(1000L, 1000L, 2000L, 4000L, 8000L);
    assertThat(delays).isSorted().allMatch(delay -> delay <= 120_000L);
    assertThat(delays.get(999)).isEqualTo(120_000L);
  }
}
