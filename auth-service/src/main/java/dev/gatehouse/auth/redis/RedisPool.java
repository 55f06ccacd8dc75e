package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.PoolProperties;
import dev.gatehouse.auth.config.RedisProperties;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.pool.InstrumentedPool;
import reactor.pool.PoolAcquirePendingLimitException;
import reactor.pool.PoolAcquireTimeoutException;
import reactor.pool.PoolBuilder;
import reactor.pool.PooledRef;

/**
 * A bounded pool of Lettuce connections built on reactor-pool.
 *
 * <p>reactor-pool rather than Lettuce's {@code BoundedAsyncPool}: when every connection is in use,
 * BoundedAsyncPool fails the acquire at once, so a burst a little above {@code max-connections}
 * turns into errors. reactor-pool parks the acquire in a waiter queue bounded by
 * {@code max-pending-acquires} for at most {@code acquire-timeout}; past either bound it fails
 * fast. Both failures become {@link RedisUnavailableException} (503). Everything is non-blocking:
 * allocation uses {@code connectAsync}, commands the reactive API.
 *
 * <p>Longer than 300 lines because connecting (directly or through Sentinel, under the reconnect
 * policy), lending and the durable-write wait act on one pool's state: the node it is connected
 * to, and behind Sentinel the timed-out connections it must drop rather than lend again.
 */
@Component
public class RedisPool implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RedisPool.class);

    private final PoolProperties properties;
    private final RedisClient client;
    private final InstrumentedPool<StatefulRedisConnection<String, String>> pool;
    private final ReconnectPolicy reconnectPolicy;
    private final PoolStatistics statistics;
    private final Disposable eventSubscription;
    /**
     * The data node the pool last connected to: the configured one, or behind Sentinel the primary
     * a Sentinel named (null until the first connection), which a failover changes.
     */
    private final AtomicReference<InetSocketAddress> connectedNode;
    /**
     * Behind Sentinel, when the pool first connected to a primary other than the one before: the
     * last failover this pod followed (null while it has seen none).
     */
    private final AtomicReference<Instant> lastFailover = new AtomicReference<>();
    private final RedisURI uri;
    private final String where;
    /**
     * Behind Sentinel a command that times out may be talking to a primary that was paused or cut
     * off and has since been replaced: such a connection is closed, not returned, so the next one
     * asks a Sentinel where the primary is now.
     */
    private final boolean dropTimedOutConnections;
    private final int replicaAcks;
    private final Duration replicaAckTimeout;
    /**
     * A replica-acknowledged write holds its connection for the whole {@code WAIT}: up to
     * replica-ack-timeout while a replica is slow or paused. Unbounded, such writes took every
     * connection: 16 revocations at once with the only replica paused held all 8 for about a
     * second, and a verification beside them answered 503. So at most half the pool waits for
     * replicas; further durable writes queue for one of these slots as long as an acquire may wait.
     */
    private final InstrumentedPool<Object> replicaWaitSlots;

    public RedisPool(GatehouseProperties gatehouse, MeterRegistry registry) {
        RedisProperties redis = gatehouse.redis();
        this.properties = redis.pool();
        this.statistics = new PoolStatistics(registry);
        this.reconnectPolicy = new ReconnectPolicy(redis.reconnect());
        this.client = RedisClient.create(ClientResources.builder()
                // Lettuce's own reconnect of a connection that dropped: the same backoff shape.
                .reconnectDelay(Delay.fullJitter(redis.reconnect().initialDelay(), redis.reconnect().maxDelay(),
                        2, TimeUnit.MILLISECONDS))
                .build());
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // A command issued while disconnected fails now instead of waiting in a queue:
                // verification fails closed anyway, and a queued request is only a slower 503.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(redis.requestQueueSize())
                .socketOptions(SocketOptions.builder().connectTimeout(redis.connectTimeout()).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(redis.commandTimeout()))
                .sslOptions(RedisTls.sslOptions(redis))
                .build());
        Set<String> sentinelNodes = Set.copyOf(redis.sentinel().nodes());
        this.connectedNode = new AtomicReference<>(
                redis.sentinel().enabled() ? null : InetSocketAddress.createUnresolved(redis.host(), redis.port()));
        boolean followPrimary = redis.sentinel().enabled();
        this.eventSubscription = client.getResources().eventBus().get()
                .subscribe(event -> {
                    if (event instanceof ConnectionDeactivatedEvent) {
                        statistics.disconnected();
                    } else if (followPrimary && event instanceof ConnectionActivatedEvent activated
                            && activated.remoteAddress() instanceof InetSocketAddress remote
                            && !isSentinel(remote, sentinelNodes)) {
                        InetSocketAddress before = connectedNode.getAndSet(remote);
                        if (before != null && !before.equals(remote)) {
                            lastFailover.set(Instant.now());
                        }
                    }
                });

        this.uri = redisUri(redis);
        this.where = redis.sentinel().enabled()
                ? "Sentinel master " + redis.sentinel().master() + " via " + String.join(",", redis.sentinel().nodes())
                : redis.host() + ":" + redis.port();
        this.dropTimedOutConnections = redis.sentinel().enabled();
        this.replicaAcks = redis.replicaAcks();
        this.replicaAckTimeout = redis.replicaAckTimeout();
        this.pool = PoolBuilder.from(connect())
                .sizeBetween(properties.minIdle(), properties.maxConnections())
                .maxPendingAcquire(properties.maxPendingAcquires())
                // Validation: a connection that lost its socket is replaced rather than handed out.
                .evictionPredicate((connection, metadata) -> !connection.isOpen())
                .evictInBackground(Duration.ofSeconds(5))
                .destroyHandler(connection -> Mono.fromCompletionStage(connection::closeAsync)
                        .onErrorResume(e -> Mono.empty()).then())
                .buildPool();
        this.replicaWaitSlots = PoolBuilder.from(Mono.fromSupplier(Object::new))
                .sizeBetween(0, replicaWaitSlots(properties))
                .maxPendingAcquire(properties.maxPendingAcquires())
                .buildPool();
        registerGauges(registry);
        // Opens min-idle connections ahead of the first request; failure here only means Redis is
        // not up yet, which the health checker reports.
        pool.warmup().subscribe(n -> { }, e -> log.warn("Redis pool warm-up failed: {}", e.toString()));
    }

    /**
     * Opens one connection, unless the reconnect policy is backing off. The policy and the counters
     * learn the outcome from the connect future itself, so a subscriber that gives up early (a
     * health check's timeout) still leaves them right; a connection that arrives after its
     * subscriber cancelled is closed, not leaked.
     */
    private Mono<StatefulRedisConnection<String, String>> connect() {
        return Mono.defer(() -> {
            if (!reconnectPolicy.mayAttempt()) {
                return Mono.error(new RedisUnavailableException("Redis unreachable; next connection attempt in "
                        + reconnectPolicy.nextAttemptIn().toMillis() + " ms"));
            }
            CompletableFuture<StatefulRedisConnection<String, String>> future =
                    client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
            future.whenComplete((connection, error) -> {
                if (error == null) {
                    if (reconnectPolicy.onSuccess()) {
                        statistics.reconnected();
                        log.info("Redis reachable again at {}", where);
                    }
                } else {
                    statistics.connectFailed();
                    reconnectPolicy.onFailure();
                    log.warn("Cannot connect to Redis at {}: {}", where, error.toString());
                }
            });
            return Mono.fromFuture(future, true)
                    .doOnCancel(() -> future.thenAccept(StatefulRedisConnection::closeAsync));
        });
    }

    /**
     * PINGs Redis on a connection opened for the purpose and closed right after, so the reconnect
     * policy learns whether a new connection can be made now. Pooled connections that lived
     * through an outage (a paused Redis, a network that stopped forwarding) answer again without
     * the pool ever opening a new one, and only a successful connect ends the policy's failure
     * streak. Fails with {@link RedisUnavailableException} while the policy is backing off.
     */
    public Mono<Void> probeNewConnection() {
        return Mono.usingWhen(connect(),
                        connection -> connection.reactive().ping().then(),
                        connection -> Mono.fromCompletionStage(connection.closeAsync()).onErrorResume(e -> Mono.empty()))
                .onErrorMap(this::isUnavailability, this::toUnavailable);
    }

    private static RedisURI redisUri(RedisProperties redis) {
        RedisURI.Builder builder = redis.sentinel().enabled() ? sentinels(redis) : RedisURI.builder()
                .withHost(redis.host())
                .withPort(redis.port());
        builder.withSsl(redis.tls())
                .withVerifyPeer(RedisTls.verifyMode(redis))
                .withDatabase(redis.database())
                .withTimeout(redis.commandTimeout());
        char[] password = redis.resolvePassword();
        if (password != null) {
            builder.withPassword(password);
        }
        return builder.build();
    }

    /** Lettuce asks these Sentinels, in order, for the primary's address on every connect. */
    private static RedisURI.Builder sentinels(RedisProperties redis) {
        RedisURI.Builder builder = RedisURI.builder().withSentinelMasterId(redis.sentinel().master());
        char[] sentinelPassword = redis.sentinel().resolvePassword();
        for (String node : redis.sentinel().nodes()) {
            int colon = node.lastIndexOf(':');
            RedisURI.Builder sentinel = RedisURI.builder().withHost(node.substring(0, colon))
                    .withPort(Integer.parseInt(node.substring(colon + 1))).withSsl(redis.tls())
                    .withVerifyPeer(RedisTls.verifyMode(redis))
                    .withTimeout(redis.connectTimeout());
            if (sentinelPassword != null) {
                sentinel.withPassword(sentinelPassword);
            }
            builder.withSentinel(sentinel.build());
        }
        return builder;
    }

    /** Half the pool, and at least one: a pool of one connection has no half to keep for reads. */
    private static int replicaWaitSlots(PoolProperties properties) {
        return Math.max(1, properties.maxConnections() / 2);
    }

    private void registerGauges(MeterRegistry registry) {
        gauge(registry, "gatehouse.redis.pool.max", "Maximum connections", m -> m.getMaxAllocatedSize());
        gauge(registry, "gatehouse.redis.pool.in.use", "Connections lent out", m -> m.acquiredSize());
        gauge(registry, "gatehouse.redis.pool.idle", "Open connections waiting in the pool", m -> m.idleSize());
        gauge(registry, "gatehouse.redis.pool.pending", "Acquires waiting for a connection", m -> m.pendingAcquireSize());
        gauge(registry, "gatehouse.redis.pool.allocated", "Open connections", m -> m.allocatedSize());
        Gauge.builder("gatehouse.redis.pool.replica.waits", replicaWaitSlots.metrics(), m -> m.acquiredSize())
                .description("Connections held by writes waiting for replicas to acknowledge them")
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description,
                       ToDoubleFunction<InstrumentedPool.PoolMetrics> value) {
        Gauge.builder(name, pool.metrics(), value).description(description).register(registry);
    }

    /**
     * Runs commands on a pooled connection and gives it back whatever happens: on success, error
     * or cancellation. A connection that died during the commands is invalidated, not returned.
     */
    public <T> Mono<T> execute(Function<RedisReactiveCommands<String, String>, Mono<T>> commands) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return Mono.usingWhen(
                    pool.acquire(properties.acquireTimeout())
                            .doOnNext(ref -> statistics.recordAcquire(System.nanoTime() - started)),
                    ref -> commands.apply(ref.poolable().reactive()),
                    PooledRef::release,
                    (ref, error) -> ref.poolable().isOpen() && !(dropTimedOutConnections && timedOut(error))
                            ? ref.release() : ref.invalidate(),
                    PooledRef::release);
        }).onErrorMap(this::isUnavailability, this::toUnavailable);
    }

    /**
     * Runs a write whose loss would let someone back in (a failover can lose what reached only the
     * old primary), and answers only once {@code replica-acks} replicas hold it: {@code WAIT} on
     * the same connection, which counts the replicas that have this connection's writes. Fewer
     * within {@code replica-ack-timeout} is a 503: the write may well be applied, and repeating it
     * is harmless, but it was not made durable and the client must not be told it was.
     */
    public <T> Mono<T> executeDurably(Function<RedisReactiveCommands<String, String>, Mono<T>> commands) {
        if (replicaAcks == 0) {
            return execute(commands);
        }
        return Mono.usingWhen(
                replicaWaitSlots.acquire(properties.acquireTimeout()).onErrorMap(this::isUnavailability, this::noSlot),
                slot -> execute(redis -> commands.apply(redis)
                        .flatMap(result -> awaitReplicas(redis).thenReturn(result))
                        .switchIfEmpty(awaitReplicas(redis).then(Mono.empty()))),
                PooledRef::release,
                (slot, error) -> slot.release(),
                PooledRef::release);
    }

    /** Not the connection pool's exhaustion: reads still have their half, so it is counted apart. */
    private Throwable noSlot(Throwable error) {
        statistics.replicaWaitRefused();
        return new RedisUnavailableException("no slot for a replica-acknowledged write within "
                + properties.acquireTimeout() + ": the replicas are slow to acknowledge", error);
    }

    private Mono<Void> awaitReplicas(RedisReactiveCommands<String, String> redis) {
        return redis.waitForReplication(replicaAcks, replicaAckTimeout.toMillis())
                .flatMap(acknowledged -> acknowledged >= replicaAcks ? Mono.<Void>empty()
                        : Mono.error(new RedisUnavailableException("the write reached " + acknowledged
                                + " of the " + replicaAcks + " replicas required within " + replicaAckTimeout)));
    }

    private static boolean timedOut(Throwable error) {
        return error instanceof io.lettuce.core.RedisCommandTimeoutException || error instanceof TimeoutException;
    }

    private boolean isUnavailability(Throwable error) {
        // A Redis error reply (WRONGTYPE, NOSCRIPT…) is a bug of ours, not an outage: let it be a 500.
        return !(error instanceof RedisCommandExecutionException) && !(error instanceof RedisUnavailableException)
                && (error instanceof RedisException || error instanceof IOException
                || error instanceof TimeoutException || error instanceof PoolAcquireTimeoutException
                || error instanceof PoolAcquirePendingLimitException);
    }

    private Throwable toUnavailable(Throwable error) {
        if (error instanceof PoolAcquireTimeoutException) {
            statistics.acquireTimedOut();
            return new RedisUnavailableException("no Redis connection free within " + properties.acquireTimeout(), error);
        }
        if (error instanceof PoolAcquirePendingLimitException) {
            statistics.pendingRejected();
            return new RedisUnavailableException("Redis connection queue is full", error);
        }
        return new RedisUnavailableException("Redis unavailable: " + FailureReason.of(error), error);
    }

    public PoolSnapshot snapshot() {
        InstrumentedPool.PoolMetrics metrics = pool.metrics();
        return new PoolSnapshot(metrics.getMaxAllocatedSize(), metrics.acquiredSize(), metrics.idleSize(),
                metrics.allocatedSize(), metrics.pendingAcquireSize(), metrics.getMaxPendingAcquireSize());
    }

    /** Where the pool's connections go now, for /health/redis; empty behind Sentinel before the first one. */
    public Optional<InetSocketAddress> connectedNode() {
        return Optional.ofNullable(connectedNode.get());
    }

    /** Behind Sentinel, when this pod last followed a failover to another primary. */
    public Optional<Instant> lastFailover() {
        return Optional.ofNullable(lastFailover.get());
    }

    private static boolean isSentinel(InetSocketAddress remote, Set<String> sentinelNodes) {
        return sentinelNodes.contains(remote.getHostString() + ":" + remote.getPort())
                || (remote.getAddress() != null
                && sentinelNodes.contains(remote.getAddress().getHostAddress() + ":" + remote.getPort()));
    }

    public PoolStatistics statistics() {
        return statistics;
    }

    public ReconnectPolicy reconnectPolicy() {
        return reconnectPolicy;
    }

    public PoolProperties properties() {
        return properties;
    }

    @Override
    public void destroy() {
        eventSubscription.dispose();
        // Runs on the thread closing the context, never on an event loop; waiting lets the sockets
        // close before the JVM exits.
        replicaWaitSlots.disposeLater().onErrorResume(e -> Mono.empty())
                .then(pool.disposeLater()).onErrorResume(e -> Mono.empty())
                .then(Mono.fromCompletionStage(client::shutdownAsync))
                .onErrorResume(e -> Mono.empty())
                .block(Duration.ofSeconds(5));
    }

    /** Pool sizes at one instant. */
    public record PoolSnapshot(int maxConnections, int inUse, int idle, int allocated, int pending, int maxPending) {

        /** Connections a request could still get without waiting: idle ones plus those not yet opened. */
        public int available() {
            return Math.max(0, maxConnections - inUse);
        }

        public double utilizationPercent() {
            return maxConnections == 0 ? 0 : Math.round(1000.0 * inUse / maxConnections) / 10.0;
        }
    }
}
