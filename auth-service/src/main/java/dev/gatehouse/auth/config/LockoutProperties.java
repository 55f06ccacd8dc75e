package dev.gatehouse.auth.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Failed password logins counted in Redis per user and per client address within {@code window};
 * reaching a maximum locks that user or address out until the window ends. The client address is
 * the TCP peer, or the last entry of {@code client-address-header} (e.g. {@code X-Forwarded-For})
 * when the pods sit behind a proxy that appends to it: otherwise every caller would share the
 * proxy's address.
 */
public record LockoutProperties(
        @DefaultValue("5") @Min(1) int maxFailuresPerUser,
        @DefaultValue("50") @Min(1) int maxFailuresPerAddress,
        @DefaultValue("15m") @NotNull Duration window,
        String clientAddressHeader) {
}
