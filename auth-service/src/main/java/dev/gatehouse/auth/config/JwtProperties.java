package dev.gatehouse.auth.config;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Token issuance and verification. */
public record JwtProperties(
        @NotBlank String issuer,
        @NotEmpty List<@NotBlank String> audiences,
        @DefaultValue("ES256") @NotNull JwtAlgorithm algorithm,
        @DefaultValue("15m") @NotNull Duration accessTokenTtl,
        @DefaultValue("720h") @NotNull Duration refreshTokenTtl,
        @NotNull Path keysDir,
        @DefaultValue("10s") @NotNull Duration keysReloadInterval,
        @DefaultValue("3m") @NotNull Duration keyPublishDelay,
        @DefaultValue("30s") @NotNull Duration clockSkew,
        @DefaultValue("8192") @Min(256) @Max(65536) int maxTokenBytes,
        @DefaultValue("50000") @Min(0) int verifiedCacheSize) {

    /** A skew of minutes would let expired tokens live on; keep it to what clocks really drift. */
    @AssertTrue(message = "gatehouse.jwt.clock-skew must be between 0 and 5m")
    public boolean isClockSkewBounded() {
        return clockSkew != null && !clockSkew.isNegative() && clockSkew.compareTo(Duration.ofMinutes(5)) <= 0;
    }

    @AssertTrue(message = "gatehouse.jwt.key-publish-delay must be between 0 and 1h")
    public boolean isKeyPublishDelayBounded() {
        return keyPublishDelay != null && !keyPublishDelay.isNegative() && keyPublishDelay.compareTo(Duration.ofHours(1)) <= 0;
    }

    @AssertTrue(message = "gatehouse.jwt.access-token-ttl and refresh-token-ttl must be positive")
    public boolean isTtlPositive() {
        return accessTokenTtl != null && refreshTokenTtl != null
                && accessTokenTtl.toSeconds() > 0 && refreshTokenTtl.toSeconds() > 0;
    }
}
