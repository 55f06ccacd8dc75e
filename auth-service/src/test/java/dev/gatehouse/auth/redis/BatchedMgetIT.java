package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import io.lettuce.core.KeyValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** Coalesced look-ups against a real Redis: right answers for each caller, fewer commands, outages. */
class BatchedMgetIT {

    private static final int LOOKUPS = 2000;

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    static RedisPool pool;

    @BeforeAll
    static void findThePool() {
        pool = service.bean(RedisPool.class);
    }

    @Test
    void concurrentLookupsShareCommandsAndEachGetsItsOwnValues() {
        pool.execute(commands -> commands.mset(Map.of("batch:0", "zero", "batch:7", "seven", "batch:1999", "last")))
                .block(Duration.ofSeconds(5));
        BatchedMget mget = new BatchedMget(pool, 256, 2);
        long mgetsBefore = mgetCalls();

        Map<Integer, List<KeyValue<String, String>>> answers = new ConcurrentHashMap<>();
        Flux.range(0, LOOKUPS)
                .flatMap(i -> mget.get("batch:" + i, "absent:" + i).doOnNext(values -> answers.put(i, values)), LOOKUPS)
                .blockLast(Duration.ofSeconds(30));

        assertThat(answers).hasSize(LOOKUPS);
        IntStream.range(0, LOOKUPS).forEach(i -> {
            List<KeyValue<String, String>> values = answers.get(i);
            assertThat(values).extracting(KeyValue::getKey).containsExactly("batch:" + i, "absent:" + i);
            assertThat(values.get(1).hasValue()).isFalse();
        });
        assertThat(answers.get(0).get(0).getValue()).isEqualTo("zero");
        assertThat(answers.get(7).get(0).getValue()).isEqualTo("seven");
        assertThat(answers.get(1999).get(0).getValue()).isEqualTo("last");
        assertThat(answers.get(8).get(0).hasValue()).isFalse();

        // 2,000 look-ups in far fewer commands, none bigger than 256 keys (128 look-ups).
        long mgets = mgetCalls() - mgetsBefore;
        assertThat(mgets).isBetween((long) LOOKUPS / 128, (long) LOOKUPS / 10);
        assertThat(pool.snapshot().inUse()).isZero();
    }

    @Test
    void whileRedisIsDownEveryLookupFailsAsUnavailableThenTheyWorkAgain() throws Exception {
        BatchedMget mget = new BatchedMget(pool, 256, 2);
        service.redis().stop();
        try {
            List<Throwable> errors = Flux.range(0, 500)
                    .flatMap(i -> mget.get("batch:" + i).then(Mono.<Throwable>empty())
                            .onErrorResume(Mono::just), 500)
                    .collectList()
                    .block(Duration.ofSeconds(30));
            assertThat(errors).hasSize(500).allMatch(RedisUnavailableException.class::isInstance);
        } finally {
            service.redis().start();
        }
        List<KeyValue<String, String>> values = Mono.defer(() -> mget.get("batch:after"))
                .retryWhen(Retry.fixedDelay(50, Duration.ofMillis(200)))
                .block(Duration.ofSeconds(15));
        assertThat(values).extracting(KeyValue::getKey).containsExactly("batch:after");
        assertThat(pool.snapshot().inUse()).isZero();
    }

    private static long mgetCalls() {
        String stats = pool.execute(commands -> commands.info("commandstats")).block(Duration.ofSeconds(5));
        Matcher calls = Pattern.compile("cmdstat_mget:calls=(\\d+)").matcher(stats);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
