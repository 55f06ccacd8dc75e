package dev.gatehouse.auth.store;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.LockoutProperties;
import dev.gatehouse.auth.config.VerificationProperties;
import dev.gatehouse.auth.redis.BatchedMget;
import dev.gatehouse.auth.redis.RedisPool;
import dev.gatehouse.auth.redis.RedisUnavailableException;
import dev.gatehouse.auth.secret.SecretDigest;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.netty.util.NetUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Attempt counters per user, per client address and per client id, in fixed windows that start
 * at the first attempt. Counters live in Redis so every pod of a Deployment sees the same count,
 * and every write gives them a TTL of their window, so an idle attacker leaves nothing behind.
 *
 * <p>An attempt is <em>reserved</em> before its slow hash: one script checks every counter it
 * touches and, only if none is at its maximum, increments them all. Redis runs the script
 * atomically, so N guesses sent at once count as N, and at most the maximum of them is ever
 * evaluated. A refused attempt increments nothing (the window is not prolonged by hammering).
 * Redis failing fails the reservation, hence the attempt (503): no guess is evaluated unseen.
 *
 * <p>Keys: a username or client id is whatever the caller sent, so it is hashed (SHA-256, 128
 * bits kept) rather than put into the key; an address is a validated literal, kept readable, and
 * an IPv6 address counts for its /64, which one subscriber usually holds whole.
 */
@Component
public class LockoutStore {

    static final String USER_PREFIX = "gh:lockout:user:";
    static final String ADDRESS_PREFIX = "gh:lockout:addr:";
    static final String CLIENT_PREFIX = "gh:lockout:client:";

    /**
     * KEYS: counters; ARGV: their maxima, then their windows (ms). Returns {0, 0} when reserved, or
     * {i, ms left} when KEYS[i] is at its maximum. A counter that somehow lost its TTL gets it back.
     */
    static final String RESERVE = """
            local n = #KEYS
            for i = 1, n do
              local count = tonumber(redis.call('GET', KEYS[i]) or '0')
              if count >= tonumber(ARGV[i]) then
                local ttl = redis.call('PTTL', KEYS[i])
                if ttl < 0 then
                  redis.call('PEXPIRE', KEYS[i], ARGV[n + i])
                  ttl = tonumber(ARGV[n + i])
                end
                return {i, ttl}
              end
            end
            for i = 1, n do
              if redis.call('INCR', KEYS[i]) == 1 or redis.call('PTTL', KEYS[i]) < 0 then
                redis.call('PEXPIRE', KEYS[i], ARGV[n + i])
              end
            end
            return {0, 0}
            """;

    /**
     * After a success: ARGV[1] == '1' deletes KEYS[1] (a login forgives the user's failures); every
     * other key gives back the one attempt this success reserved, never going below zero or
     * creating a key, so a success only undoes itself.
     */
    static final String SUCCEEDED = """
            local first = 1
            if ARGV[1] == '1' then
              redis.call('DEL', KEYS[1])
              first = 2
            end
            for i = first, #KEYS do
              if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
            end
            return 1
            """;

    private static final String RESERVE_SHA = sha1(RESERVE);
    private static final String SUCCEEDED_SHA = sha1(SUCCEEDED);

    private final RedisPool redis;
    private final LockoutProperties properties;
    private final BatchedMget clientChecks;
    private final boolean clientChecksFailOpen;

    public LockoutStore(RedisPool redis, BatchedMget lookups, GatehouseProperties properties) {
        this.redis = redis;
        this.properties = properties.lockout();
        // Client authentication guards introspection, which FAIL_OPEN keeps answering while Redis
        // is down. There both client paths fail open alike (the fast one admits only the right
        // secret; the slow one still pays the hash, as before throttling): failing open on one
        // alone would make 200-versus-503 a free oracle for guessers. Endpoints that need Redis
        // whatever the policy (token, revocation) fail closed on both paths alike.
        this.clientChecksFailOpen = properties.verification().whenRedisUnavailable()
                == VerificationProperties.RedisUnavailablePolicy.FAIL_OPEN;
        // Checks of already-verified client secrets, one per token or introspection call: they
        // share MGETs with the revocation look-ups of concurrent requests.
        this.clientChecks = lookups;
    }

    /** Reserves a password attempt for the user and the address, or says which is locked out. */
    public Mono<Attempt> reserveLogin(String username, String address) {
        long window = properties.window().toMillis();
        return reserve(new String[] {userKey(username), addressKey(address)},
                Integer.toString(properties.maxFailuresPerUser()), Integer.toString(properties.maxFailuresPerAddress()),
                Long.toString(window), Long.toString(window))
                .map(result -> result.get(0) == 0 ? Attempt.ALLOWED
                        : new Attempt(result.get(0) == 1 ? Lockout.USER : Lockout.ADDRESS, result.get(1)));
    }

    /**
     * A reserved login succeeded: the user's counter is cleared, and the address's is only
     * decremented by this attempt, so one valid account cannot wipe an address's failures.
     */
    public Mono<Void> loginSucceeded(String username, String address) {
        return run(SUCCEEDED, SUCCEEDED_SHA, new String[] {userKey(username), addressKey(address)}, "1").then();
    }

    /**
     * Reserves a client-secret check (one that will pay the slow hash).
     *
     * @param mayFailOpen whether the endpoint answers without Redis under FAIL_OPEN (introspection)
     */
    public Mono<Attempt> reserveClient(String clientId, boolean mayFailOpen) {
        return reserve(new String[] {clientKey(clientId)}, Integer.toString(properties.maxFailuresPerClient()),
                Long.toString(properties.clientWindow().toMillis()))
                .map(result -> result.get(0) == 0 ? Attempt.ALLOWED : new Attempt(Lockout.CLIENT, result.get(1)))
                .transform(attempt -> clientFailOpen(attempt, mayFailOpen));
    }

    /** A reserved client-secret check succeeded: it gives its attempt back, and no one else's. */
    public Mono<Void> clientSucceeded(String clientId, boolean mayFailOpen) {
        return run(SUCCEEDED, SUCCEEDED_SHA, new String[] {clientKey(clientId)}, "0").then()
                .onErrorResume(RedisUnavailableException.class,
                        e -> clientChecksFailOpen && mayFailOpen ? Mono.empty() : Mono.error(e));
    }

    /**
     * Whether a client is locked out, without reserving anything: for a secret that matched the
     * digest of one already verified, which is no guess. One read, coalesced with concurrent ones;
     * only a refusal pays a second round trip, for its {@code Retry-After}.
     *
     * @param mayFailOpen as for {@link #reserveClient}
     */
    public Mono<Attempt> checkClient(String clientId, boolean mayFailOpen) {
        String key = clientKey(clientId);
        return clientChecks.get(key).flatMap(values -> {
            String value = values.get(0).getValueOrElse(null);
            if (value == null || Long.parseLong(value) < properties.maxFailuresPerClient()) {
                return Mono.just(Attempt.ALLOWED);
            }
            return redis.execute(commands -> commands.pttl(key))
                    .map(ttl -> new Attempt(Lockout.CLIENT, ttl > 0 ? ttl : properties.clientWindow().toMillis()));
        }).transform(attempt -> clientFailOpen(attempt, mayFailOpen));
    }

    /**
     * Under FAIL_OPEN verification, a client check for an endpoint that answers without Redis lets
     * the attempt through when Redis cannot answer it.
     */
    private Mono<Attempt> clientFailOpen(Mono<Attempt> attempt, boolean mayFailOpen) {
        return clientChecksFailOpen && mayFailOpen
                ? attempt.onErrorResume(RedisUnavailableException.class, e -> Mono.just(Attempt.ALLOWED))
                : attempt;
    }

    private Mono<List<Long>> reserve(String[] keys, String... args) {
        return run(RESERVE, RESERVE_SHA, keys, args);
    }

    /** EVALSHA, falling back to EVAL once when the script is not cached (a restarted Redis). */
    private Mono<List<Long>> run(String script, String sha, String[] keys, String... args) {
        return redis.execute(commands -> this.<List<Object>>evalsha(commands, sha, keys, args)
                .onErrorResume(RedisCommandExecutionException.class,
                        e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")
                                ? commands.<List<Object>>eval(script, ScriptOutputType.MULTI, keys, args).next()
                                : Mono.error(e)))
                .map(values -> values.stream().map(value -> (Long) value).toList());
    }

    private <T> Mono<T> evalsha(RedisReactiveCommands<String, String> commands, String sha, String[] keys, String[] args) {
        return commands.<T>evalsha(sha, ScriptOutputType.MULTI, keys, args).next();
    }

    static String userKey(String username) {
        return USER_PREFIX + hashed(username);
    }

    static String clientKey(String clientId) {
        return CLIENT_PREFIX + hashed(clientId);
    }

    /** IPv4 as is, IPv6 by its /64 (an IPv4-mapped one as IPv4); anything else hashed. */
    static String addressKey(String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return ADDRESS_PREFIX + "h:" + hashed(address);
        }
        if (bytes.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= bytes[i] == 0;
            }
            mapped &= bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
            if (mapped) {
                return ADDRESS_PREFIX + NetUtil.bytesToIpAddress(bytes, 12, 4);
            }
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            return ADDRESS_PREFIX + NetUtil.bytesToIpAddress(bytes) + "/64";
        }
        return ADDRESS_PREFIX + NetUtil.bytesToIpAddress(bytes);
    }

    private static String hashed(String name) {
        return HexFormat.of().formatHex(SecretDigest.of(name), 0, 16);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }

    public enum Lockout { NONE, USER, ADDRESS, CLIENT }

    /** A reservation's outcome: allowed, or refused by {@code lockout} for {@code retryAfterMillis}. */
    public record Attempt(Lockout lockout, long retryAfterMillis) {

        static final Attempt ALLOWED = new Attempt(Lockout.NONE, 0);

        public boolean allowed() {
            return lockout == Lockout.NONE;
        }

        /** Whole seconds, rounded up, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMillis + 999) / 1000);
        }
    }
}
