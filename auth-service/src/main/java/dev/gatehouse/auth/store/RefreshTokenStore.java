package dev.gatehouse.auth.store;

import dev.gatehouse.auth.redis.RedisPool;
import dev.gatehouse.auth.secret.SecretDigest;
import io.lettuce.core.ScriptOutputType;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Opaque refresh tokens in families. Each use rotates the token: the old one is marked used and a
 * new one of the same family is returned. Presenting a used token again means it was stolen (or
 * the client is broken): the whole family is revoked, so neither the thief nor the victim can go
 * on. Only a SHA-256 of each token is stored, so a Redis dump leaks no usable token. The checks run
 * in Lua so that two concurrent uses of one token cannot both succeed.
 */
@Component
public class RefreshTokenStore {

    static final String TOKEN_PREFIX = "gh:rt:";
    static final String FAMILY_PREFIX = "gh:rtf:";

    private static final String ISSUE = """
            redis.call('HSET', KEYS[1], 'family', ARGV[1], 'sub', ARGV[2], 'client', ARGV[3], 'scope', ARGV[4],
                       'iat', ARGV[5], 'used', '0')
            redis.call('PEXPIRE', KEYS[1], ARGV[6])
            redis.call('SET', KEYS[2], 'active', 'PX', ARGV[6])
            return 1
            """;

    // KEYS[1] presented token, KEYS[2] its successor; ARGV: client, now ms, ttl ms, user-mark prefix, family prefix
    private static final String ROTATE = """
            local t = redis.call('HMGET', KEYS[1], 'family', 'sub', 'client', 'scope', 'iat', 'used')
            if not t[1] then return {'invalid'} end
            if t[3] ~= ARGV[1] then return {'invalid'} end
            local family = ARGV[5] .. t[1]
            if redis.call('GET', family) ~= 'active' then return {'invalid'} end
            if t[6] == '1' then
              redis.call('SET', family, 'revoked', 'KEEPTTL')
              return {'reused', t[1], t[2]}
            end
            local mark = redis.call('GET', ARGV[4] .. t[2])
            if mark and tonumber(t[5]) <= tonumber(mark) then return {'invalid'} end
            redis.call('HSET', KEYS[1], 'used', '1')
            redis.call('HSET', KEYS[2], 'family', t[1], 'sub', t[2], 'client', t[3], 'scope', t[4],
                       'iat', ARGV[2], 'used', '0')
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('PEXPIRE', family, ARGV[3])
            return {'rotated', t[1], t[2], t[4]}
            """;

    // KEYS[1] token; ARGV: client, family prefix. Revokes the family of a token the client owns.
    private static final String REVOKE = """
            local t = redis.call('HMGET', KEYS[1], 'family', 'client')
            if not t[1] or t[2] ~= ARGV[1] then return 0 end
            redis.call('SET', ARGV[2] .. t[1], 'revoked', 'KEEPTTL')
            return 1
            """;

    // KEYS[1] token; ARGV: user-mark prefix, family prefix. Answers active tokens only.
    private static final String FIND = """
            local t = redis.call('HMGET', KEYS[1], 'family', 'sub', 'client', 'scope', 'iat', 'used')
            if not t[1] or t[6] == '1' then return {} end
            if redis.call('GET', ARGV[2] .. t[1]) ~= 'active' then return {} end
            local mark = redis.call('GET', ARGV[1] .. t[2])
            if mark and tonumber(t[5]) <= tonumber(mark) then return {} end
            return {t[2], t[3], t[4], tostring(redis.call('PTTL', KEYS[1]))}
            """;

    private final RedisPool redis;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    public RefreshTokenStore(RedisPool redis) {
        this(redis, Clock.systemUTC());
    }

    RefreshTokenStore(RedisPool redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Starts a new family; returns the token to hand the client. */
    public Mono<String> issue(String subject, String clientId, String scope, Duration ttl) {
        String token = newToken();
        String family = newToken();
        return redis.execute(commands -> commands.<Long>eval(ISSUE, ScriptOutputType.INTEGER,
                        new String[] {TOKEN_PREFIX + SecretDigest.hex(token), FAMILY_PREFIX + family},
                        family, subject, clientId, scope == null ? "" : scope,
                        Long.toString(clock.millis()), Long.toString(ttl.toMillis())).next())
                .thenReturn(token);
    }

    /** Uses a refresh token once: its successor, or why not. */
    public Mono<Rotation> rotate(String token, String clientId, Duration ttl) {
        String successor = newToken();
        return redis.executeDurably(commands -> commands.<List<Object>>eval(ROTATE, ScriptOutputType.MULTI,
                        new String[] {TOKEN_PREFIX + SecretDigest.hex(token), TOKEN_PREFIX + SecretDigest.hex(successor)},
                        clientId, Long.toString(clock.millis()), Long.toString(ttl.toMillis()),
                        RevocationStore.USER_PREFIX, FAMILY_PREFIX).next())
                .map(reply -> switch ((String) reply.get(0)) {
                    case "rotated" -> new Rotation(Rotation.Outcome.ROTATED, successor, (String) reply.get(2), (String) reply.get(3));
                    case "reused" -> new Rotation(Rotation.Outcome.REUSED, null, (String) reply.get(2), null);
                    default -> new Rotation(Rotation.Outcome.INVALID, null, null, null);
                });
    }

    /** RFC 7009 for refresh tokens: revokes the token's family if {@code clientId} owns it. */
    public Mono<Boolean> revokeFamily(String token, String clientId) {
        return redis.executeDurably(commands -> commands.<Long>eval(REVOKE, ScriptOutputType.INTEGER,
                        new String[] {TOKEN_PREFIX + SecretDigest.hex(token)}, clientId, FAMILY_PREFIX).next())
                .map(revoked -> revoked == 1L);
    }

    /** An active refresh token's facts, for introspection. */
    public Mono<Optional<ActiveRefreshToken>> find(String token) {
        return redis.execute(commands -> commands.<List<Object>>eval(FIND, ScriptOutputType.MULTI,
                        new String[] {TOKEN_PREFIX + SecretDigest.hex(token)}, RevocationStore.USER_PREFIX, FAMILY_PREFIX).next())
                .map(reply -> reply.isEmpty() ? Optional.<ActiveRefreshToken>empty()
                        : Optional.of(new ActiveRefreshToken((String) reply.get(0), (String) reply.get(1),
                        emptyToNull((String) reply.get(2)),
                        clock.instant().plusMillis(Long.parseLong((String) reply.get(3))).getEpochSecond())));
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }


    /** The outcome of presenting a refresh token. */
    public record Rotation(Outcome outcome, String successor, String subject, String scope) {

        public enum Outcome { ROTATED, REUSED, INVALID }
    }

    public record ActiveRefreshToken(String subject, String clientId, String scope, long expiresAtEpochSecond) {
    }
}
