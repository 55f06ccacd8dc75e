package dev.gatehouse.auth.store;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.LockoutProperties;
import dev.gatehouse.auth.redis.RedisPool;
import io.lettuce.core.ScriptOutputType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Failed-login counters per user and per client address, in fixed windows that start at the first
 * failure. Counters live in Redis so every pod of a Deployment sees the same count, and expire with
 * their window so an idle attacker leaves nothing behind.
 */
@Component
public class LockoutStore {

    static final String USER_PREFIX = "gh:lockout:user:";
    static final String ADDRESS_PREFIX = "gh:lockout:addr:";

    private static final String RECORD_FAILURE = """
            for i, key in ipairs(KEYS) do
              if redis.call('INCR', key) == 1 then redis.call('PEXPIRE', key, ARGV[1]) end
            end
            return 1
            """;

    private final RedisPool redis;
    private final LockoutProperties properties;

    public LockoutStore(RedisPool redis, GatehouseProperties properties) {
        this.redis = redis;
        this.properties = properties.lockout();
    }

    public Mono<Lockout> check(String username, String address) {
        return redis.execute(commands -> commands.mget(USER_PREFIX + username, ADDRESS_PREFIX + address).collectList())
                .map(values -> {
                    if (count(values.get(0).getValueOrElse(null)) >= properties.maxFailuresPerUser()) {
                        return Lockout.USER;
                    }
                    if (count(values.get(1).getValueOrElse(null)) >= properties.maxFailuresPerAddress()) {
                        return Lockout.ADDRESS;
                    }
                    return Lockout.NONE;
                });
    }

    public Mono<Void> recordFailure(String username, String address) {
        return redis.execute(commands -> commands.<Long>eval(RECORD_FAILURE, ScriptOutputType.INTEGER,
                new String[] {USER_PREFIX + username, ADDRESS_PREFIX + address},
                Long.toString(properties.window().toMillis())).next()).then();
    }

    /** A successful login forgives the user's failures, not the address's. */
    public Mono<Void> clearUser(String username) {
        return redis.execute(commands -> commands.del(USER_PREFIX + username)).then();
    }

    private static long count(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    public enum Lockout { NONE, USER, ADDRESS }
}
