package dev.gatehouse.auth.redis;

import io.lettuce.core.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Coalesces concurrent {@code MGET}s into one command on one pooled connection.
 *
 * <p>Every verification reads its revocation marks: under load that was one pool acquire, one
 * command and one release per request, and the pool's hand-offs and timers were a large share of
 * a verification's CPU (docs/benchmarks.md, "What changed"). Here a look-up goes out at once when
 * fewer than {@code maxInFlight} batches are on the wire, so a lone request waits for nothing;
 * otherwise it joins the next batch, sent as soon as one in flight returns. Batches grow with the load and no timer is involved. A failed
 * batch fails each of its look-ups with the pool's error, so the fail-closed policy is unchanged.
 *
 * <p>One instance serves every per-request read (revocation marks, a client's lockout counter), so
 * reads that requests make side by side travel in the same commands: introspection's client check
 * and revocation look-up cost one round trip, not two in a row (docs/benchmarks.md, issue 12).
 */
@Component
public final class BatchedMget {

    /**
     * A revocation look-up is two keys, so a batch answers up to 128 verifications in one MGET.
     * Four batches on the wire keep a lone request from waiting behind a full one while leaving the
     * rest of the pool (16 connections by default) to issuance, refresh and revocation; with a pool
     * of one or two connections, half of it at most.
     */
    static final int MAX_KEYS_PER_BATCH = 256;
    static final int MAX_BATCHES_IN_FLIGHT = 4;

    private final RedisPool redis;
    private final int maxKeysPerBatch;
    private final int maxInFlight;
    private final Queue<Lookup> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger draining = new AtomicInteger();

    @Autowired
    public BatchedMget(RedisPool redis) {
        this(redis, MAX_KEYS_PER_BATCH, Math.max(1, Math.min(MAX_BATCHES_IN_FLIGHT, redis.properties().maxConnections() / 2)));
    }

    /**
     * @param maxKeysPerBatch bounds one command (a look-up is never split, so a batch holds at
     *                        least one look-up whatever its size)
     * @param maxInFlight     batches on the wire at once, each holding one pooled connection
     */
    public BatchedMget(RedisPool redis, int maxKeysPerBatch, int maxInFlight) {
        this.redis = redis;
        this.maxKeysPerBatch = maxKeysPerBatch;
        this.maxInFlight = maxInFlight;
    }

    /** The values of {@code keys}, in their order; a missing key has an empty {@link KeyValue}. */
    public Mono<List<KeyValue<String, String>>> get(String... keys) {
        return Mono.create(sink -> {
            waiting.offer(new Lookup(keys, sink));
            drain();
        });
    }

    /**
     * Sends what is waiting while fewer than maxInFlight batches are out. One thread drains at a
     * time (the work-in-progress counter); a call that finds another draining only bumps the
     * counter, so that thread looks at the queue again: nothing offered or freed is missed, and a
     * batch that fails at once (Redis down) does not recurse into the next.
     */
    private void drain() {
        if (draining.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            while (inFlight.get() < maxInFlight && !waiting.isEmpty()) {
                inFlight.incrementAndGet();
                send(takeBatch());
            }
            missed = draining.addAndGet(-missed);
        } while (missed != 0);
    }

    private List<Lookup> takeBatch() {
        List<Lookup> batch = new ArrayList<>();
        int keys = 0;
        Lookup next;
        while ((next = waiting.peek()) != null
                && (batch.isEmpty() || keys + next.keys().length <= maxKeysPerBatch)) {
            batch.add(waiting.poll());
            keys += next.keys().length;
        }
        return batch;
    }

    private void send(List<Lookup> batch) {
        String[] keys = batch.stream().flatMap(lookup -> Arrays.stream(lookup.keys())).toArray(String[]::new);
        redis.execute(commands -> commands.mget(keys).collectList())
                .subscribe(values -> answer(batch, values), error -> fail(batch, error), this::batchDone);
    }

    private static void answer(List<Lookup> batch, List<KeyValue<String, String>> values) {
        int offset = 0;
        for (Lookup lookup : batch) {
            int end = offset + lookup.keys().length;
            lookup.sink().success(values.subList(offset, end));
            offset = end;
        }
    }

    private void fail(List<Lookup> batch, Throwable error) {
        batch.forEach(lookup -> lookup.sink().error(error));
        batchDone();
    }

    private void batchDone() {
        inFlight.decrementAndGet();
        drain();
    }

    private record Lookup(String[] keys, MonoSink<List<KeyValue<String, String>>> sink) {
    }
}
