package dev.gatehouse.auth.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Token outcomes for Prometheus: what was issued, and how verifications ended. */
@Component
public class TokenMetrics {

    private final MeterRegistry registry;
    private final Counter valid;
    private final Counter invalid;
    private final Counter revoked;
    private final Counter redisUnavailable;
    private final Counter acceptedWithoutRevocationCheck;

    public TokenMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.valid = verification("valid");
        this.invalid = verification("invalid");
        this.revoked = verification("revoked");
        this.redisUnavailable = verification("redis_unavailable");
        this.acceptedWithoutRevocationCheck = verification("fail_open");
    }

    private Counter verification(String outcome) {
        return Counter.builder("gatehouse.tokens.verifications").tag("outcome", outcome)
                .description("Access-token verifications by outcome").register(registry);
    }

    // Prometheus prints a counter's description as its # HELP line; every counter carries one.
    public void issued(String grantType) {
        Counter.builder("gatehouse.tokens.issued").tag("grant_type", grantType)
                .description("Access tokens issued, by grant type").register(registry).increment();
    }

    public void grantRefused(String grantType, String error) {
        Counter.builder("gatehouse.tokens.grant.refused").tags("grant_type", grantType, "error", error)
                .description("Token requests refused, by grant type and OAuth error code")
                .register(registry).increment();
    }

    public void refreshReuseDetected() {
        Counter.builder("gatehouse.tokens.refresh.reuse")
                .description("Refresh tokens presented again after use; each revokes its whole family")
                .register(registry).increment();
    }

    void valid() {
        valid.increment();
    }

    void invalid() {
        invalid.increment();
    }

    void revoked() {
        revoked.increment();
    }

    void redisUnavailable() {
        redisUnavailable.increment();
    }

    void acceptedWithoutRevocationCheck() {
        acceptedWithoutRevocationCheck.increment();
    }
}
