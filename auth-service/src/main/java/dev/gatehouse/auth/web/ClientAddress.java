package dev.gatehouse.auth.web;

import dev.gatehouse.auth.config.GatehouseProperties;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;

/** The caller's address for lockout counters (see LockoutProperties on why a header may be used). */
@Component
public class ClientAddress {

    private final String header;

    public ClientAddress(GatehouseProperties properties) {
        this.header = properties.lockout().clientAddressHeader();
    }

    public String of(ServerRequest request) {
        if (header != null && !header.isBlank()) {
            List<String> values = request.headers().header(header);
            if (!values.isEmpty()) {
                String last = values.get(values.size() - 1);
                String[] hops = last.split(",");
                return hops[hops.length - 1].trim();
            }
        }
        return request.remoteAddress()
                .map(address -> address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress())
                .orElse("unknown");
    }
}
