package dev.gatehouse.auth.web;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.LockoutProperties;
import io.netty.util.NetUtil;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * The caller's address for lockout counters: the TCP peer, or, only when the peer is a trusted
 * proxy, the client its {@code X-Forwarded-For} (or the configured header) names (see
 * {@link LockoutProperties}). Addresses are parsed as literals only: nothing here resolves a name.
 */
@Component
public class ClientAddress {

    private final String header;
    private final List<Cidr> trustedProxies;

    public ClientAddress(GatehouseProperties properties) {
        LockoutProperties lockout = properties.lockout();
        this.header = lockout.effectiveClientAddressHeader();
        this.trustedProxies = lockout.trustedProxies().stream().map(Cidr::parse).toList();
    }

    public String of(ServerRequest request) {
        String peer = request.remoteAddress()
                .map(address -> address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress())
                .orElse("unknown");
        return resolve(trustedProxies, peer, request.headers().header(header));
    }

    /**
     * @param trustedProxies the proxies whose header is believed
     * @param peer the TCP peer's address
     * @param headerValues every value of the forwarding header, in order
     */
    static String resolve(List<Cidr> trustedProxies, String peer, List<String> headerValues) {
        if (trustedProxies.isEmpty() || !isTrusted(trustedProxies, peer)) {
            return peer;
        }
        String client = peer;
        for (int v = headerValues.size() - 1; v >= 0; v--) {
            String[] hops = headerValues.get(v).split(",");
            for (int h = hops.length - 1; h >= 0; h--) {
                String hop = hops[h].trim();
                if (NetUtil.createByteArrayFromIpAddressString(hop) == null) {
                    // Not an address a proxy of ours wrote: stop at the last hop we could believe.
                    return client;
                }
                client = hop;
                if (!isTrusted(trustedProxies, hop)) {
                    return hop;
                }
            }
        }
        return client;
    }

    private static boolean isTrusted(List<Cidr> trustedProxies, String address) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128. */
    record Cidr(byte[] network, int prefixLength) {

        static Cidr parse(String text) {
            String trimmed = text.trim();
            int slash = trimmed.indexOf('/');
            String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
            if (bytes == null) {
                throw new IllegalArgumentException("gatehouse.lockout.trusted-proxies: not an address: " + text);
            }
            int prefix;
            try {
                prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("gatehouse.lockout.trusted-proxies: bad prefix length: " + text);
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("gatehouse.lockout.trusted-proxies: bad prefix length: " + text);
            }
            return new Cidr(bytes, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
