package dev.gatehouse.auth.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the operator configures (docs/auth-service-contract.md). Bound once at start-up and
 * validated, so a pod with a broken setting fails fast with a message naming the property.
 */
@Validated
@ConfigurationProperties("gatehouse")
public record GatehouseProperties(
        @DefaultValue("local") @NotBlank String environment,
        @DefaultValue("/var/run/secrets/gatehouse/clients/clients.yaml") @NotNull Path clientsFile,
        @Valid @NotNull RedisProperties redis,
        @Valid @NotNull JwtProperties jwt,
        @Valid @DefaultValue AdminProperties admin,
        @Valid @DefaultValue LockoutProperties lockout,
        @Valid @DefaultValue VerificationProperties verification,
        @DefaultValue TlsProperties tls,
        @Valid @DefaultValue WarmUpProperties warmUp,
        @DefaultValue BenchmarkProperties benchmark) {
}
