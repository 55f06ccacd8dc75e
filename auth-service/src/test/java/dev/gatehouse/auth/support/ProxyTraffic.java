package dev.gatehouse.auth.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.gatehouse.auth.web.ForwardAuthHandler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the proxy recipes' tests send through a real proxy in front of the service, and what each
 * answer must be: the same checks for nginx, Caddy and whichever proxy comes next.
 */
public final class ProxyTraffic {

    /**
     * What the recipes' echo app answers: the four identity headers the proxy passed on, the
     * token's id last (it differs per token, so it is matched, not compared).
     */
    public static final Pattern IDENTITY =
            Pattern.compile("subject=billing client=billing scope=invoices read token=[A-Za-z0-9_-]+");

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ProxyTraffic() {
    }

    /**
     * {@code count} requests one after the other, in turn with a valid token, a bad token and none:
     * each valid one reaches the app with the identity, each other is a 401 carrying the
     * service's {@code WWW-Authenticate}. Returns the statuses counted.
     */
    public static Map<Integer, Integer> mixed(int proxyPort, String token, int count)
            throws IOException, InterruptedException {
        Map<Integer, Integer> statuses = new HashMap<>();
        for (int i = 0; i < count; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/orders/" + i));
            switch (i % 3) {
                case 0 -> request.header("Authorization", "Bearer " + token);
                case 1 -> request.header("Authorization", "Bearer not-a-token");
                default -> { }
            }
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            statuses.merge(response.statusCode(), 1, Integer::sum);
            if (i % 3 == 0) {
                assertThat(response.body().strip()).matches(IDENTITY);
            } else {
                assertThat(response.headers().firstValue("WWW-Authenticate")).get(STRING).startsWith("Bearer error=\"invalid_token\"");
            }
        }
        return statuses;
    }

    /**
     * A valid request that also carries every identity header of the client's own (the token id
     * too: an app may key its audit log or a revocation on it): the app sees only the token's.
     */
    public static String withForgedIdentityHeaders(int proxyPort, String token) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/"))
                .header("Authorization", "Bearer " + token)
                .header(ForwardAuthHandler.SUBJECT, "admin")
                .header(ForwardAuthHandler.CLIENT_ID, "forged")
                .header(ForwardAuthHandler.SCOPE, "everything")
                .header(ForwardAuthHandler.TOKEN_ID, "forged")
                .build(), HttpResponse.BodyHandlers.ofString()).body().strip();
    }

    /** A valid request while the service's Redis is down: what the client gets. */
    public static HttpResponse<String> duringRedisOutage(AuthServiceExtension service, int proxyPort)
            throws IOException, InterruptedException {
        String token = service.clientCredentialsToken();
        service.redis().stop();
        try {
            return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            service.redis().start();
        }
    }
}
