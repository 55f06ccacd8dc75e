package dev.gatehouse.auth.web;

import dev.gatehouse.auth.grant.ClientAuthenticator;
import dev.gatehouse.auth.redis.BatchedMget;
import dev.gatehouse.auth.token.TokenIntrospector;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /oauth2/introspect} (RFC 7662), served by Reactor Netty directly, ahead of WebFlux
 * on the same server and port (Spring Boot's {@link NettyRouteProvider}).
 *
 * <p>Why not a WebFlux route like the others: resource servers call it for every request they
 * receive, and through WebFlux most of an introspection's CPU went to the exchange, dispatch,
 * codecs and observation (async-profiler; the figures are in docs/benchmarks.md, "What changed").
 * What WebFlux gave it is kept: the same form rules and client
 * authentication ({@link OAuthForm}), the same problem bodies ({@link Problems}), the same body
 * limit ({@code spring.codec.max-in-memory-size}) and the same {@code http.server.requests}
 * metric ({@link ServerRequestMetrics}).
 */
@Component
class IntrospectionRoute implements NettyRouteProvider {

    static final String PATH = "/oauth2/introspect";

    private final ClientAuthenticator clients;
    private final TokenIntrospector introspector;
    private final JsonMapper json;
    private final ServerRequestMetrics metrics;
    private final int maxBodyBytes;

    IntrospectionRoute(ClientAuthenticator clients, TokenIntrospector introspector, JsonMapper json,
                       ServerRequestMetrics metrics,
                       @Value("${spring.codec.max-in-memory-size:256KB}") DataSize maxBody) {
        this.clients = clients;
        this.introspector = introspector;
        this.json = json;
        this.metrics = metrics;
        this.maxBodyBytes = (int) maxBody.toBytes();
    }

    @Override
    public HttpServerRoutes apply(HttpServerRoutes routes) {
        return routes.post(PATH, this::introspect);
    }

    private Mono<Void> introspect(HttpServerRequest request, HttpServerResponse response) {
        long started = System.nanoTime();
        return body(request)
                .flatMap(body -> introspection(request, body))
                .map(introspection -> new Answer(200, MediaType.APPLICATION_JSON_VALUE, json.writeValueAsBytes(introspection), null))
                .onErrorResume(error -> Mono.just(problem(response, error)))
                .flatMap(answer -> {
                    metrics.record("POST", PATH, answer.status(), answer.error(), started);
                    return response.status(answer.status())
                            .header(HttpHeaders.CONTENT_TYPE, answer.contentType())
                            .header(HttpHeaders.CACHE_CONTROL, "no-store")
                            .sendByteArray(Mono.just(answer.body()))
                            .then();
                });
    }

    /**
     * The client is authenticated and the token introspected side by side, so the client's lockout
     * read and the token's revocation look-up share one MGET ({@link BatchedMget}): one Redis round
     * trip a call under load, not two in a row (docs/benchmarks.md, issue 12). The introspection is
     * only answered, and its failures only reported, once the client is authenticated. It is made
     * whichever secret was sent, so its cost (a signature check for a token not seen before) cannot
     * tell a locked-out guesser that a refused guess was the right secret.
     */
    private Mono<TokenIntrospector.Introspection> introspection(HttpServerRequest request, byte[] body) {
        Map<String, String> parameters = OAuthForm.parse(request.requestHeaders().get(HttpHeaders.CONTENT_TYPE), body);
        String authorization = OAuthForm.authorization(request.requestHeaders().getAll(HttpHeaders.AUTHORIZATION));
        String token = parameters.get("token");
        Mono<Signal<TokenIntrospector.Introspection>> introspection = token == null || token.isEmpty()
                ? Mono.just(Signal.complete())
                : introspector.introspect(token).materialize();
        return Mono.zip(OAuthForm.authenticate(clients, authorization, parameters, true), introspection)
                .flatMap(both -> {
                    both.getT1().requiredToken();
                    return Mono.just(both.getT2()).dematerialize();
                });
    }

    /** The whole body, refused past the limit as WebFlux's codecs refuse it (413). */
    private Mono<byte[]> body(HttpServerRequest request) {
        return request.receive().asByteArray()
                .reduce(new ByteArrayOutputStream(), (body, chunk) -> {
                    if (body.size() + chunk.length > maxBodyBytes) {
                        throw new DataBufferLimitException("request body exceeds " + maxBodyBytes + " bytes");
                    }
                    body.writeBytes(chunk);
                    return body;
                })
                .map(ByteArrayOutputStream::toByteArray);
    }

    private Answer problem(HttpServerResponse response, Throwable error) {
        Problem problem = Problems.oauth(Problems.of(error, PATH, response::header));
        return new Answer(problem.status(), MediaType.APPLICATION_JSON_VALUE, json.writeValueAsBytes(problem), error);
    }

    private record Answer(int status, String contentType, byte[] body, Throwable error) {
    }
}
