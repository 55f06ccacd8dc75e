package dev.gatehouse.auth.store;

import dev.gatehouse.auth.redis.BatchedMget;
import dev.gatehouse.auth.redis.RedisPool;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Revoked access tokens and "log out everywhere" marks. A revoked jti is kept exactly as long as
 * the token could still verify, and a user's mark as long as any token issued before it, so the
 * keyspace never grows without bound.
 */
@Component
public class RevocationStore {

    static final String JTI_PREFIX = "gh:revoked:jti:";
    static final String USER_PREFIX = "gh:revoked:user:";

    private final RedisPool redis;
    private final BatchedMget lookups;

    public RevocationStore(RedisPool redis, BatchedMget lookups) {
        this.redis = redis;
        this.lookups = lookups;
    }

    /** @param remainingLife until the token expires (plus clock skew); nothing is stored if it already has */
    public Mono<Void> revokeToken(String jti, Duration remainingLife) {
        if (remainingLife.isNegative() || remainingLife.isZero()) {
            return Mono.empty();
        }
        return redis.executeDurably(commands -> commands.set(JTI_PREFIX + jti, "1", SetArgs.Builder.px(remainingLife))).then();
    }

    /**
     * Every token and refresh token of {@code subject} issued at or before {@code at} stops working.
     *
     * @param keepFor the longest life of a token issued before {@code at}
     */
    public Mono<Void> revokeAllOf(String subject, Instant at, Duration keepFor) {
        return redis.executeDurably(commands -> commands.set(USER_PREFIX + subject, Long.toString(at.toEpochMilli()),
                SetArgs.Builder.px(keepFor))).then();
    }

    /** One round trip, shared with the look-ups of concurrent requests: the jti and the user's marks. */
    public Mono<Boolean> isRevoked(String jti, String subject, Instant issuedAt) {
        return lookups.get(JTI_PREFIX + jti, USER_PREFIX + subject)
                .map(values -> values.get(0).hasValue()
                        || values.get(1).hasValue() && issuedBefore(issuedAt, values.get(1).getValue()));
    }

    /** iat has one-second precision: a token of the logout's own second counts as issued before it. */
    static boolean issuedBefore(Instant issuedAt, String revokedAtMillis) {
        return issuedAt == null || issuedAt.toEpochMilli() <= Long.parseLong(revokedAtMillis);
    }
}
