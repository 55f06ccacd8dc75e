package dev.gatehouse.auth.support;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A forward-auth recipe of examples/ run as written by its real proxy, in front of the real service,
 * for the tests of one class. Between the proxy and the service a {@link TcpProxy} counts the
 * connections the proxy opens: the recipe's address of the auth service is pointed at it.
 */
public final class ForwardAuthRecipe implements BeforeAllCallback, AfterAllCallback {

    /** Where every recipe expects the auth service. */
    private static final String AUTH_ADDRESS = "gatehouse-auth.my-namespace.svc.cluster.local:8080";

    /** Starts the proxy on the recipe with its placeholders replaced. */
    @FunctionalInterface
    public interface ProxyStart {
        ProxyProcess start(String config) throws IOException, InterruptedException;
    }

    private final AuthServiceExtension service = new AuthServiceExtension();
    private final Path recipe;
    private final Map<String, String> replacements;
    private final ProxyStart proxyStart;
    private TcpProxy toService;
    private ProxyProcess proxy;

    /** @param replacements the recipe's other addresses, as {@link Recipes#placed} replaces them */
    public ForwardAuthRecipe(Path recipe, Map<String, String> replacements, ProxyStart proxyStart) {
        this.recipe = recipe;
        this.replacements = replacements;
        this.proxyStart = proxyStart;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        service.beforeAll(context);
        toService = new TcpProxy(service::port);
        Map<String, String> placed = new LinkedHashMap<>();
        placed.put(AUTH_ADDRESS, "127.0.0.1:" + toService.port());
        placed.putAll(replacements);
        proxy = proxyStart.start(Recipes.placed(recipe, placed));
    }

    /** The proxy first, the service last, as the service outlives its clients in a cluster. */
    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
            if (toService != null) {
                toService.close();
            }
        } finally {
            service.afterAll(context);
        }
    }

    /**
     * {@link ProxyTraffic#mixed} sent to {@code port} (the proxy's, or a forwarder's in front of it),
     * with a valid token of the service: the statuses, and the connections the proxy opened to the
     * service meanwhile.
     */
    public Traffic mixedTraffic(int port, int count) throws IOException, InterruptedException {
        String token = service.clientCredentialsToken();
        int before = toService.acceptedConnections();
        Map<Integer, Integer> statuses = ProxyTraffic.mixed(port, token, count);
        return new Traffic(statuses, toService.acceptedConnections() - before);
    }

    public record Traffic(Map<Integer, Integer> statuses, int connectionsToService) {
    }

    public AuthServiceExtension service() {
        return service;
    }

    public ProxyProcess proxy() {
        return proxy;
    }
}
