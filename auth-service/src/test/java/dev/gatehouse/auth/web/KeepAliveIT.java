package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.support.RawHttpConnection.get;
import static dev.gatehouse.auth.support.RawHttpConnection.postForm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.RawHttpConnection;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Proxies keep their connections to the service open and send the next request the moment the
 * last answer is in (nginx's auth_request with keepalive, Envoy's ext_authz). Reactor Netty up to
 * 1.3.7 could stop reading such a connection when a request arrived before the previous one's
 * handling had wound down (reactor/reactor-netty#4361): the request after it then waited forever.
 * On 1.3.6 both tests here hang within the first few hundred requests; the whole suite hit it
 * as a 15 s client timeout about one run in five.
 */
class KeepAliveIT {

    private static final Duration PATIENCE = Duration.ofSeconds(5);

    /** With the benchmark's baseline route: the cheapest answer WebFlux gives. */
    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.benchmark.noop-route", "true");

    /** Requests answered synchronously and not, by WebFlux and by the Netty route, with their statuses. */
    private static final List<Exchange> MIX = List.of(
            new Exchange(get("/noop"), 200),
            new Exchange(get("/no/such/route"), 404),
            new Exchange(get("/actuator/health/liveness"), 200),
            new Exchange(get("/.well-known/jwks.json"), 200),
            new Exchange(postForm(IntrospectionRoute.PATH, "token=x"), 401),
            new Exchange(get("/health/redis"), 200));

    @Test
    void everyRequestOnAReusedConnectionIsAnswered() throws IOException {
        try (RawHttpConnection connection = new RawHttpConnection(service.port(), PATIENCE)) {
            for (int i = 0; i < 3_000; i++) {
                Exchange exchange = MIX.get(i % MIX.size());
                connection.write(exchange.request());
                assertThat(answer(connection, i, exchange)).as("status of request %d", i).isEqualTo(exchange.status());
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (RawHttpConnection connection = new RawHttpConnection(service.port(), PATIENCE)) {
            for (int i = 0; i < 1_000; i += 2) {
                Exchange first = MIX.get(i % MIX.size());
                Exchange second = MIX.get((i + 1) % MIX.size());
                connection.write(first.request(), second.request());
                assertThat(answer(connection, i, first)).as("status of request %d", i).isEqualTo(first.status());
                assertThat(answer(connection, i + 1, second)).as("status of request %d", i + 1).isEqualTo(second.status());
            }
        }
    }

    private static int answer(RawHttpConnection connection, int index, Exchange exchange) throws IOException {
        try {
            return connection.readResponse();
        } catch (SocketTimeoutException e) {
            return fail("request %d on the connection (%s) got no answer in %s",
                    index, exchange.request().lines().findFirst().orElseThrow(), PATIENCE);
        }
    }

    private record Exchange(String request, int status) {
    }
}
