package dev.gatehouse.auth.web;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.WarmUpProperties;
import dev.gatehouse.auth.token.TokenIssuer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Before a pod reports ready it sends itself the requests its clients will send: forward-auth with
 * valid and refused tokens (the 401 with and without a problem body), introspection and the JWKS,
 * over loopback through the real server, on kept-alive and on new connections. So the JIT has
 * compiled these paths, their classes are loaded and the verified-token cache and Netty's buffers
 * are in use before the first client's request, which otherwise pays for all of it
 * (docs/benchmarks.md, "Issue 14").
 *
 * <p>Spring Boot publishes readiness {@code ACCEPTING_TRAFFIC} only once every
 * {@link ApplicationRunner} has returned, so the readiness probe waits for this, once, at start-up;
 * a readiness check itself does none of it, and readiness still requires Redis as before. Bounded by
 * {@code gatehouse.warm-up.max-duration}: no request starts later, and one under way gets at most
 * 5 s more; a failing request (Redis down: a 503) is counted, never fatal to the start.
 *
 * <p>The tokens are signed with the active key for the subject {@value #SUBJECT} and no client,
 * live only in this process and travel only to 127.0.0.1; their revocation look-ups read Redis and
 * write nothing, and nothing here authenticates a client, so no lockout counter moves. Its answers
 * are counted like any other in {@code http_server_requests_seconds} and
 * {@code gatehouse_tokens_verifications_total} (docs/auth-service.md, "Warm-up").
 */
@Component
class StartupWarmUp implements ApplicationRunner {

    static final String SUBJECT = "gatehouse-warm-up";
    private static final Logger log = LoggerFactory.getLogger(StartupWarmUp.class);
    /** Enough to give every event loop connections of its own, as a proxy's pool does. */
    private static final int CONNECTIONS = 32;
    /** Distinct tokens, each verified in full once: the first-sight path, then the cached one. */
    private static final int TOKENS = 1000;
    /** Longer than Redis's acquire timeout (3 s by default), so a request Redis fails ends as a 503. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final TokenIssuer issuer;
    private final WarmUpProperties settings;
    private final Environment environment;

    StartupWarmUp(TokenIssuer issuer, GatehouseProperties properties, Environment environment) {
        this.issuer = issuer;
        this.settings = properties.warmUp();
        this.environment = environment;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        Integer port = environment.getProperty("local.server.port", Integer.class);
        if (settings.requests() == 0 || settings.maxDuration().isZero() || port == null) {
            return;
        }
        long started = System.nanoTime();
        // Valid tokens of the real key: they expire with the warm-up, so none outlives it in use.
        Duration lifetime = settings.maxDuration().plus(REQUEST_TIMEOUT.multipliedBy(2));
        List<String> tokens = IntStream.range(0, Math.min(TOKENS, settings.requests()))
                .mapToObj(i -> issuer.issue(SUBJECT, null, null, lifetime).value()).toList();
        long deadline = started + settings.maxDuration().toNanos();
        Map<Integer, Long> answers = new ConcurrentHashMap<>();
        ConnectionProvider connections = ConnectionProvider.builder("warm-up").maxConnections(CONNECTIONS).build();
        try {
            HttpClient client = client(port, connections);
            // No request is sent after the deadline, and none is cut off: an aborted request is an
            // error in the server's log. flatMap asks for the next index only as a request ends.
            Flux.range(0, settings.requests())
                    .takeWhile(i -> System.nanoTime() < deadline)
                    .flatMap(i -> send(client, i, tokens.get(i % tokens.size()))
                            .onErrorResume(error -> Mono.just(-1)), CONNECTIONS, 1)
                    .doOnNext(status -> answers.merge(status, 1L, Long::sum))
                    .blockLast(lifetime);
        } catch (RuntimeException | SSLException e) {
            log.warn("Warm-up ended early: {}", e.toString());
        } finally {
            connections.disposeLater().block(REQUEST_TIMEOUT);
        }
        log.info("Warm-up before readiness: {} requests in {} ms; answers by status (-1: none) {}",
                answers.values().stream().mapToLong(Long::longValue).sum(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(), new TreeMap<>(answers));
    }

    /** HTTPS when the server serves the mounted TLS Secret (TlsServerEnvironment), which names no 127.0.0.1. */
    private HttpClient client(int port, ConnectionProvider connections) throws SSLException {
        boolean tls = environment.getProperty("server.ssl.bundle") != null;
        HttpClient client = HttpClient.create(connections)
                .baseUrl((tls ? "https" : "http") + "://127.0.0.1:" + port)
                .responseTimeout(REQUEST_TIMEOUT);
        if (!tls) {
            return client;
        }
        var context = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        return client.secure(spec -> spec.sslContext(context));
    }

    /**
     * Eight kinds in turn, half of them the common case: forward-auth of a valid token, one of those
     * on a connection the server then closes. A new pod's clients open connections by the thousand
     * (a proxy's pool, a load generator), and accepting and setting up a channel is code that a
     * few kept-alive connections never run: most of what the JIT compiled in the benchmark's first
     * open-loop round after its warm-up was Netty's channel set-up (docs/benchmarks.md, "Issue 14").
     */
    private static Mono<Integer> send(HttpClient client, int i, String token) {
        return switch (i % 8) {
            case 3 -> forwardAuth(client.headers(h -> h.set(HttpHeaderNames.CONNECTION, "close")), token, null);
            case 4 -> forwardAuth(client, refused(token), null);
            case 5 -> forwardAuth(client, refused(token), "application/problem+json");
            case 6 -> client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded"))
                    .post().uri(IntrospectionRoute.PATH).send(ByteBufFlux.fromString(Mono.just("token=" + token)))
                    .responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
            case 7 -> client.get().uri(JwksHandler.PATH)
                    .responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
            default -> forwardAuth(client, token, null);
        };
    }

    private static Mono<Integer> forwardAuth(HttpClient client, String token, String accept) {
        return client.headers(h -> {
                    h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
                    if (accept != null) {
                        h.set(HttpHeaderNames.ACCEPT, accept);
                    }
                })
                .get().uri(ForwardAuthHandler.PATH + "/")
                .responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
    }

    /** The token with one signature character changed: canonical still, so the signature check refuses it. */
    private static String refused(String token) {
        int at = token.length() - 10;
        return token.substring(0, at) + (token.charAt(at) == 'A' ? 'B' : 'A') + token.substring(at + 1);
    }
}
