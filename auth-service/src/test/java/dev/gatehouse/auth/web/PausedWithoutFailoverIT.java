package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.RedisServerExtension;
import dev.gatehouse.auth.support.SentinelSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Slow, not dead: a node of the Sentinel set stops answering (SIGSTOP) but is not replaced, because
 * a replica or one Sentinel of three being away is no reason for a failover. The service must go on
 * serving what does not need that node, and fail fast and closed on what does.
 */
class PausedWithoutFailoverIT {

    private static final SentinelSet sentinels = new SentinelSet();

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension().on(sentinels);

    /**
     * Lettuce asks the Sentinels in their configured order on every new connection; a paused first
     * one accepts the connection and never answers, so it must cost one connect timeout, not the
     * service.
     */
    @Test
    void aPausedFirstSentinelCostsNewConnectionsOneTimeoutAndTheServiceGoesOn() throws Exception {
        String token = service.clientCredentialsToken();
        sentinels.pauseSentinel(0);
        try {
            RedisServerExtension primary = sentinels.primary();
            sentinels.dropClients(primary);
            long dropped = System.nanoTime();
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            await("verification through a Sentinel that answers").atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        int status = status(token);
                        statuses.merge(status, 1, Integer::sum);
                        return status == 200;
                    });
            System.out.printf("first Sentinel paused, clients dropped: verification back after %d ms; statuses %s%n",
                    Duration.ofNanos(System.nanoTime() - dropped).toMillis(), statuses);
            assertThat(statuses.keySet()).as("fails closed meanwhile").isSubsetOf(200, 503);
            // The health checker may have run while the connections were being dropped; its next
            // round (1 s while unhealthy) must name the primary.
            await("/health/redis names the primary").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    service.client().get().uri("/health/redis").exchange().expectBody()
                            .jsonPath("$.redis.port").isEqualTo(primary.port())
                            .jsonPath("$.redis.role").isEqualTo("master"));
            assertThat(revokeStatus(service.clientCredentialsToken())).as("a revocation, acknowledged by the replica")
                    .isEqualTo(200);
        } finally {
            sentinels.resumeSentinel(0);
        }
    }

    /**
     * With the only replica paused, a replica-acknowledged write cannot be acknowledged: it must
     * answer 503 within about replica-ack-timeout. Writes that wait for the replica must not take
     * every pooled connection meanwhile, or verification, which needs no replica, would starve.
     */
    @Test
    void aPausedReplicaRefusesRevocationsFastAndLeavesVerificationItsConnections() throws Exception {
        String token = service.clientCredentialsToken();
        String toRevoke = service.clientCredentialsToken();
        RedisServerExtension replica = sentinels.replica();
        replica.pause();
        try {
            long started = System.nanoTime();
            assertThat(revokeStatus(toRevoke)).as("not acknowledged without the replica").isEqualTo(503);
            long refusedAfter = Duration.ofNanos(System.nanoTime() - started).toMillis();
            // replica-ack-timeout is 500 ms; the rest is the request itself on a loaded machine (1.1-1.6 s seen).
            assertThat(refusedAfter).as("ms to refuse").isLessThan(3_000);
            assertThat(service.clientCredentialsToken()).as("token issue waits for no replica").isNotBlank();

            // 32 revocations at a time, each holding its connection for a WAIT of 500 ms, beside
            // 4 verifications at a time, for 4 s: four times the 8 connections of the pool.
            double acquireTimeoutsBefore = metric("gatehouse_redis_pool_acquire_timeouts_total");
            Map<Integer, Integer> revocations = new ConcurrentHashMap<>();
            Map<Integer, Integer> verifications = new ConcurrentHashMap<>();
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            Mono<Void> revoking = Flux.range(0, 32)
                    .flatMap(i -> Flux.defer(() -> revokeAsync(toRevoke))
                            .repeat(() -> System.nanoTime() < end)
                            .doOnNext(status -> revocations.merge(status, 1, Integer::sum)))
                    .then();
            Mono<Void> verifying = Flux.range(0, 4)
                    .flatMap(i -> Flux.defer(() -> statusAsync(token))
                            .repeat(() -> System.nanoTime() < end)
                            .doOnNext(status -> verifications.merge(status, 1, Integer::sum)))
                    .then();
            Mono.when(revoking, verifying).block(Duration.ofSeconds(30));
            System.out.printf("only replica paused: one revocation refused after %d ms; under 32 concurrent "
                    + "revocations: revocations %s, verifications %s%n", refusedAfter, revocations, verifications);

            assertThat(revocations.keySet()).as("revocations fail closed, none acknowledged").containsOnly(503);
            assertThat(verifications.keySet()).as("no verification starved of a connection").containsOnly(200);
            assertThat(verifications.get(200)).as("verifications served meanwhile").isGreaterThan(20);
            assertThat(metric("gatehouse_redis_pool_acquire_timeouts_total")).as("no acquire of a connection timed out")
                    .isEqualTo(acquireTimeoutsBefore);
            assertThat(metric("gatehouse_redis_replica_waits_refused_total"))
                    .as("revocations refused for want of a replica-wait slot").isPositive();
        } finally {
            replica.resume();
        }
        await("a revocation is acknowledged again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> revokeStatus(toRevoke) == 200);
        assertThat(status(toRevoke)).isEqualTo(401);
        assertThat(status(token)).isEqualTo(200);
    }

    private static final WebClient web = WebClient.create();

    private static Mono<Integer> revokeAsync(String token) {
        return web.post().uri("http://127.0.0.1:" + service.port() + "/oauth2/revoke")
                .headers(h -> h.setBasicAuth(AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("token", token))
                .exchangeToMono(response -> Mono.just(response.statusCode().value()));
    }

    private static Mono<Integer> statusAsync(String token) {
        return web.get().uri("http://127.0.0.1:" + service.port() + "/forward-auth/")
                .headers(h -> h.setBearerAuth(token))
                .exchangeToMono(response -> Mono.just(response.statusCode().value()));
    }

    /** A counter's or gauge's value in the Prometheus exposition. */
    private static double metric(String name) {
        String exposition = service.client().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return exposition.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not exposed"));
    }

    private static int revokeStatus(String token) {
        return revokeAsync(token).block(Duration.ofSeconds(10));
    }

    private static int status(String token) {
        return statusAsync(token).block(Duration.ofSeconds(10));
    }
}
