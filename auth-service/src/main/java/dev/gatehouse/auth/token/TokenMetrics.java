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

    public void issued(String grantType) {
        registry.counter("gatehouse.tokens.issued", "grant_type", grantType).increment();
    }

    public void grantRefused(String grantType, String error) {
        registry.counter("gatehouse.tokens.grant.refused", "grant_type", grantType, "error", error).increment();
    }

    public void refreshReuseDetected() {
        registry.counter("gatehouse.tokens.refresh.reuse").increment();
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
