package dev.gatehouse.auth.store;

import dev.gatehouse.auth.redis.RedisPool;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Users of the password grant: a Redis hash per user holding a slow password hash. */
@Component
public class UserStore {

    static final String PREFIX = "gh:user:";

    // Creates only if absent, in one step, so two admins creating the same user cannot both win.
    private static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'password_hash', ARGV[1], 'disabled', '0', 'created_at', ARGV[2])
            return 1
            """;

    private static final String SET_DISABLED = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            redis.call('HSET', KEYS[1], 'disabled', ARGV[1])
            return 1
            """;

    private final RedisPool redis;
    private final Clock clock = Clock.systemUTC();

    public UserStore(RedisPool redis) {
        this.redis = redis;
    }

    /** @return false if the user already exists */
    public Mono<Boolean> create(String username, String passwordHash) {
        return redis.execute(commands -> commands.<Long>eval(CREATE, ScriptOutputType.INTEGER,
                        new String[] {PREFIX + username}, passwordHash, clock.instant().toString()).next())
                .map(created -> created == 1L);
    }

    /** @return false if there is no such user */
    public Mono<Boolean> setDisabled(String username, boolean disabled) {
        return redis.executeDurably(commands -> commands.<Long>eval(SET_DISABLED, ScriptOutputType.INTEGER,
                        new String[] {PREFIX + username}, disabled ? "1" : "0").next())
                .map(found -> found == 1L);
    }

    /** @return false if there is no such user */
    public Mono<Boolean> delete(String username) {
        return redis.executeDurably(commands -> commands.del(PREFIX + username)).map(deleted -> deleted == 1L);
    }

    public Mono<Optional<User>> find(String username) {
        return redis.execute(commands -> commands.hgetall(PREFIX + username)
                        .collectMap(KeyValue::getKey, KeyValue::getValue))
                .map(fields -> fields.isEmpty() ? Optional.<User>empty() : Optional.of(User.of(username, fields)))
                .defaultIfEmpty(Optional.empty());
    }

    /** A user as stored; the hash never leaves the service. */
    public record User(String username, String passwordHash, boolean disabled, Instant createdAt) {

        static User of(String username, Map<String, String> fields) {
            String created = fields.get("created_at");
            return new User(username, fields.get("password_hash"), "1".equals(fields.get("disabled")),
                    created == null ? null : Instant.parse(created));
        }

        @Override
        public String toString() {
            return "User[" + username + ", disabled=" + disabled + "]";
        }
    }
}
