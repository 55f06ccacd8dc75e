package dev.gatehouse.auth.token;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.VerificationProperties.RedisUnavailablePolicy;
import dev.gatehouse.auth.redis.RedisUnavailableException;
import dev.gatehouse.auth.store.RevocationStore;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The whole access-token check used by introspection and forward-auth: signature and claims, then
 * revocation in Redis. When Redis cannot answer, the configured policy decides: fail closed (the
 * default, a 503 within the acquire timeout) or fail open (accept what verifies, counted in metrics).
 */
@Component
public class TokenValidator {

    private final TokenVerifier verifier;
    private final RevocationStore revocations;
    private final RedisUnavailablePolicy policy;
    private final TokenMetrics metrics;

    public TokenValidator(TokenVerifier verifier, RevocationStore revocations, GatehouseProperties properties,
                          TokenMetrics metrics) {
        this.verifier = verifier;
        this.revocations = revocations;
        this.policy = properties.verification().whenRedisUnavailable();
        this.metrics = metrics;
    }

    public Mono<VerifiedToken> validate(String token) {
        VerifiedToken verified;
        try {
            verified = verifier.verify(token);
        } catch (InvalidTokenException e) {
            metrics.invalid();
            return Mono.error(e);
        }
        return revocations.isRevoked(verified.jti(), verified.subject(), verified.issuedAt())
                .flatMap(revoked -> {
                    if (revoked) {
                        metrics.revoked();
                        return Mono.<VerifiedToken>error(new InvalidTokenException("token revoked"));
                    }
                    metrics.valid();
                    return Mono.just(verified);
                })
                .onErrorResume(RedisUnavailableException.class, e -> {
                    if (policy == RedisUnavailablePolicy.FAIL_OPEN) {
                        metrics.acceptedWithoutRevocationCheck();
                        return Mono.just(verified);
                    }
                    metrics.redisUnavailable();
                    return Mono.error(e);
                });
    }
}
