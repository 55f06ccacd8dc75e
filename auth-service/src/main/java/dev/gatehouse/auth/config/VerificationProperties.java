package dev.gatehouse.auth.config;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** What verification does when the revocation check cannot reach Redis (docs/auth-service.md). */
public record VerificationProperties(
        @DefaultValue("FAIL_CLOSED") @NotNull RedisUnavailablePolicy whenRedisUnavailable) {

    public enum RedisUnavailablePolicy {
        /** Answer 503: a revoked token is never accepted, at the cost of availability. */
        FAIL_CLOSED,
        /** Accept a token whose signature and claims verify, skipping only the revocation check. */
        FAIL_OPEN
    }
}
