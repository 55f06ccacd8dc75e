package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.support.AuthServiceExtension.APP_CLIENT;
import static dev.gatehouse.auth.support.AuthServiceExtension.APP_SECRET;
import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_CLIENT;
import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.redis.RedisPool;
import dev.gatehouse.auth.support.AuthServiceExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Guesses sent in parallel count one by one: the attempt is reserved in Redis before the slow hash,
 * so 50 concurrent guesses get at most the limit evaluated (401/400) and the rest 429, and the right
 * credential is refused while the lockout lasts.
 */
class ParallelGuessingIT {

    private static final int USER_LIMIT = 5;
    private static final int ADDRESS_LIMIT = 20;
    private static final int CLIENT_LIMIT = 5;

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.lockout.max-failures-per-user", Integer.toString(USER_LIMIT))
            .with("gatehouse.lockout.max-failures-per-address", Integer.toString(ADDRESS_LIMIT))
            .with("gatehouse.lockout.max-failures-per-client", Integer.toString(CLIENT_LIMIT))
            .with("gatehouse.lockout.client-address-header", "X-Forwarded-For")
            .with("gatehouse.lockout.trusted-proxies", "127.0.0.0/8,::1/128");

    /**
     * Asserts that of {@code total} parallel attempts at most {@code limit} were evaluated (answered
     * {@code evaluated}) and every other one refused. On a loaded machine a reservation may not get
     * a pooled Redis connection within the acquire timeout: that is a 503, fail closed, also never
     * an evaluated guess.
     */
    private static void atMostLimitEvaluated(Map<Integer, Long> statuses, int total, int evaluated, int limit) {
        assertThat(statuses.keySet()).contains(429).isSubsetOf(evaluated, 429, 503);
        assertThat(statuses.getOrDefault(evaluated, 0L)).isLessThanOrEqualTo(limit);
        assertThat(statuses.getOrDefault(429, 0L))
                .isGreaterThanOrEqualTo(total - limit - statuses.getOrDefault(503, 0L));
    }

    /** Sends all requests at once (one connection each) and returns their statuses, counted. */
    private static Map<Integer, Long> inParallel(int count, IntFunction<Mono<Integer>> request) {
        List<Integer> statuses = Flux.range(0, count)
                .flatMap(request::apply, count)
                .collectList()
                .block(Duration.ofSeconds(60));
        assertThat(statuses).hasSize(count);
        return statuses.stream().collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }

    private static WebClient web() {
        return WebClient.create("http://127.0.0.1:" + service.port());
    }

    private static Mono<Integer> login(WebClient web, String username, String password, String address) {
        return web.post().uri("/oauth2/token")
                .headers(headers -> {
                    headers.setBasicAuth(APP_CLIENT, APP_SECRET);
                    headers.set("X-Forwarded-For", address);
                })
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=password&username=" + username + "&password=" + password)
                .exchangeToMono(response -> Mono.just(response.statusCode().value()));
    }

    @Test
    void parallelWrongPasswordsForOneUserAreCountedOneByOne() {
        service.createUser("ivan", "ivan-password");
        WebClient web = web();
        // Each from its own address, so only the user's limit applies.
        Map<Integer, Long> statuses = inParallel(50, i -> login(web, "ivan", "wrong-" + i, "10.20.0." + (i + 1)));
        atMostLimitEvaluated(statuses, 50, 400, USER_LIMIT);

        service.client().post().uri("/oauth2/token")
                .headers(headers -> {
                    headers.setBasicAuth(APP_CLIENT, APP_SECRET);
                    headers.set("X-Forwarded-For", "10.20.1.1");
                })
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=password&username=ivan&password=ivan-password")
                .exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().value(HttpHeaders.RETRY_AFTER, value ->
                        assertThat(Long.parseLong(value)).isBetween(1L, 15 * 60L))
                .expectBody().jsonPath("$.access_token").doesNotExist();
    }

    @Test
    void parallelGuessesForManyUsersFromOneAddressHitTheAddressLimit() {
        service.createUser("judy", "judy-password");
        WebClient web = web();
        Map<Integer, Long> statuses = inParallel(60, i -> login(web, "sprayed-" + i, "guess", "10.30.0.1"));
        atMostLimitEvaluated(statuses, 60, 400, ADDRESS_LIMIT);

        assertThat(login(web, "judy", "judy-password", "10.30.0.1").block()).isEqualTo(429);
        assertThat(login(web, "judy", "judy-password", "10.30.0.2").block()).isEqualTo(200);
    }

    @Test
    void parallelWrongClientSecretsAreCountedOneByOneEvenForAClientAlreadyVerified() {
        // The right secret has been verified once, so this pod answers it from its digest cache:
        // the lockout must hold there too.
        String token = service.clientCredentialsToken();
        WebClient web = web();
        Map<Integer, Long> statuses = inParallel(50, i -> web.post().uri("/oauth2/token")
                .headers(headers -> headers.setBasicAuth(SERVICE_CLIENT, "wrong-secret-" + i))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("grant_type=client_credentials")
                .exchangeToMono(response -> Mono.just(response.statusCode().value())));
        atMostLimitEvaluated(statuses, 50, 401, CLIENT_LIMIT);

        service.postForm("/oauth2/token", SERVICE_CLIENT, SERVICE_SECRET, Map.of("grant_type", "client_credentials"))
                .expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.access_token").doesNotExist();
        // Introspection reads the lockout beside the token's revocation marks: refused all the
        // same, and nothing of the token is told.
        service.postForm("/oauth2/introspect", SERVICE_CLIENT, SERVICE_SECRET, Map.of("token", token))
                .expectStatus().isEqualTo(429)
                .expectHeader().exists(HttpHeaders.RETRY_AFTER)
                .expectBody().jsonPath("$.active").doesNotExist();
        // Another client is not affected.
        service.postForm("/oauth2/token", APP_CLIENT, APP_SECRET,
                        Map.of("grant_type", "password", "username", "nobody-here", "password", "x"))
                .expectStatus().isBadRequest();
    }

    @Test
    void countersAlwaysExpireNeverNameTheUserAndASuccessDoesNotResetTheAddress() {
        service.createUser("kate", "kate-password");
        WebClient web = web();
        for (int i = 0; i < 3; i++) {
            assertThat(login(web, "odd%20user%3A%2A" + i, "guess", "10.40.0.1").block()).isEqualTo(400);
        }
        assertThat(login(web, "kate", "kate-password", "10.40.0.1").block()).isEqualTo(200);

        RedisPool redis = service.bean(RedisPool.class);
        List<String> keys = redis.execute(commands -> commands.keys("gh:lockout:*").collectList()).block();
        assertThat(keys).isNotEmpty().noneMatch(key -> key.contains("odd") || key.contains("kate"));
        for (String key : keys) {
            assertThat(redis.execute(commands -> commands.pttl(key)).block()).as(key).isPositive();
        }
        // Three failures and one success from the address: the success gave back only its own attempt.
        assertThat(redis.execute(commands -> commands.get("gh:lockout:addr:10.40.0.1")).block()).isEqualTo("3");
    }
}
