package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.config.LockoutProperties;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static final List<ClientAddress.Cidr> PROXIES =
            List.of(ClientAddress.Cidr.parse("10.0.0.0/8"), ClientAddress.Cidr.parse("fd00::/8"));

    @Test
    void theHeaderIsIgnoredUnlessThePeerIsATrustedProxy() {
        assertThat(ClientAddress.resolve(PROXIES, "203.0.113.7", List.of("198.51.100.1"))).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.resolve(List.of(), "10.1.1.1", List.of("198.51.100.1"))).isEqualTo("10.1.1.1");
    }

    @Test
    void theClientIsTheFirstUntrustedHopFromTheRight() {
        // A client-chosen entry to the left of what our proxies appended is never reached.
        assertThat(ClientAddress.resolve(PROXIES, "10.1.1.1", List.of("6.6.6.6, 198.51.100.1, 10.2.2.2")))
                .isEqualTo("198.51.100.1");
        assertThat(ClientAddress.resolve(PROXIES, "10.1.1.1", List.of("6.6.6.6", "2001:db8::1, fd00::5")))
                .isEqualTo("2001:db8::1");
    }

    @Test
    void garbageOrAnAllTrustedChainStopsAtTheLastBelievableHop() {
        assertThat(ClientAddress.resolve(PROXIES, "10.1.1.1", List.of("evil.example, 10.2.2.2"))).isEqualTo("10.2.2.2");
        assertThat(ClientAddress.resolve(PROXIES, "10.1.1.1", List.of("10.3.3.3, 10.2.2.2"))).isEqualTo("10.3.3.3");
        assertThat(ClientAddress.resolve(PROXIES, "10.1.1.1", List.of())).isEqualTo("10.1.1.1");
    }

    @Test
    void cidrsMatchByPrefix() {
        assertThat(ClientAddress.Cidr.parse("192.168.4.0/22").contains(new byte[] {(byte) 192, (byte) 168, 7, 1})).isTrue();
        assertThat(ClientAddress.Cidr.parse("192.168.4.0/22").contains(new byte[] {(byte) 192, (byte) 168, 8, 1})).isFalse();
        assertThat(ClientAddress.Cidr.parse("127.0.0.1").contains(new byte[] {127, 0, 0, 1})).isTrue();
        assertThat(ClientAddress.Cidr.parse("0.0.0.0/0").contains(new byte[16])).isFalse();
        assertThatThrownBy(() -> ClientAddress.Cidr.parse("proxy.internal/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientAddress.Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHeaderWithoutTrustedProxiesRefusesToStart() {
        assertThatThrownBy(() -> new LockoutProperties(5, 50, Duration.ofMinutes(15), 10, Duration.ofMinutes(5),
                "X-Forwarded-For", List.of()))
                .hasMessageContaining("trusted-proxies");
        assertThat(new LockoutProperties(5, 50, Duration.ofMinutes(15), 10, Duration.ofMinutes(5), null, null)
                .effectiveClientAddressHeader()).isEqualTo("X-Forwarded-For");
    }
}
