package dev.gatehouse.auth.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Attempts counted in Redis, each reserved atomically before its slow hash: password logins per
 * user and per client address within {@code window}, client-secret checks per client id within
 * {@code client-window}. Reaching a maximum refuses that user, address or client (429 with
 * {@code Retry-After}) until its window ends.
 *
 * <p>The client address is the TCP peer. Only when the peer is one of {@code trusted-proxies}
 * (CIDRs) is {@code client-address-header} (default {@code X-Forwarded-For}) believed: its entries
 * are read right to left, skipping trusted proxies, and the first other one is the client. A header
 * from any other peer is ignored, so a client cannot pick its own address.
 *
 * @param maxFailuresPerClient wrong client secrets per client id within {@code clientWindow}; a
 *        client id is usually not secret, so anyone can lock a client out for that long: it is
 *        set higher, and its window shorter, than the user's
 */
public record LockoutProperties(
        @DefaultValue("5") @Min(1) int maxFailuresPerUser,
        @DefaultValue("50") @Min(1) int maxFailuresPerAddress,
        @DefaultValue("15m") @NotNull Duration window,
        @DefaultValue("10") @Min(1) int maxFailuresPerClient,
        @DefaultValue("5m") @NotNull Duration clientWindow,
        String clientAddressHeader,
        @DefaultValue List<String> trustedProxies) {

    public LockoutProperties {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        if (clientAddressHeader != null && !clientAddressHeader.isBlank() && trustedProxies.isEmpty()) {
            // Before trusted-proxies the header was believed from anyone; refusing to start is
            // better than silently counting every caller under the proxy's address.
            throw new IllegalArgumentException("gatehouse.lockout.client-address-header is set but "
                    + "gatehouse.lockout.trusted-proxies is empty: list the proxies (CIDRs) whose header is believed");
        }
    }

    /** The header believed from trusted proxies. */
    public String effectiveClientAddressHeader() {
        return clientAddressHeader == null || clientAddressHeader.isBlank() ? "X-Forwarded-For" : clientAddressHeader;
    }
}
