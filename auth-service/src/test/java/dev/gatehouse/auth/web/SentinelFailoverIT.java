package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.RedisServerExtension;
import dev.gatehouse.auth.support.SentinelSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * The service behind Sentinel (gatehouse.redis.sentinel.*) with replica-acks 1: a primary, one
 * replica and three redis-sentinels, all real. The primary is killed, then the new primary is
 * paused; each time the service must follow the failover by itself, and no revocation it
 * acknowledged before may be lost: a revocation is answered 200 only once a replica holds it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelFailoverIT {

    private static final Duration FAILOVER = Duration.ofSeconds(30);
    /**
     * A node that comes back claiming to be primary is turned into a replica by the Sentinels once
     * they have seen it for a few INFO periods (10 s each while all is well), then it syncs.
     */
    private static final Duration REJOIN = Duration.ofSeconds(90);
    private static final SentinelSet sentinels = new SentinelSet();

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension().on(sentinels);

    @Test
    @Order(1)
    void killingThePrimaryFailsOverAndEveryAcknowledgedRevocationHolds() throws Exception {
        List<String> revoked = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String token = service.clientCredentialsToken();
            if (i % 2 == 0) {
                revoke(token).expectStatus().isOk();
                revoked.add(token);
            } else {
                kept.add(token);
            }
        }
        RedisServerExtension old = sentinels.primary();
        service.client().get().uri("/health/redis").exchange().expectBody()
                .jsonPath("$.redis.role").isEqualTo("master")
                .jsonPath("$.redis.last_failover").isEmpty();
        Instant beforeKill = Instant.now();

        Load load = Load.start(kept.get(0));
        old.stop();
        long killed = System.nanoTime();
        await("a new primary").atMost(FAILOVER).until(() -> sentinels.primaryPort() != old.port());
        await("verification through the new primary").atMost(FAILOVER).pollInterval(Duration.ofMillis(100))
                .until(() -> status(kept.get(0)) == 200);
        Duration failover = Duration.ofNanos(System.nanoTime() - killed);
        Map<Integer, Integer> statuses = load.stop();
        System.out.printf("failover after SIGKILL: verification back after %d ms; load statuses %s%n",
                failover.toMillis(), statuses);

        assertThat(statuses.keySet()).as("only answers that fail closed").isSubsetOf(200, 503);
        // /health/redis names the node the service now talks to, not the configuration's defaults.
        service.client().get().uri("/health/redis").exchange().expectBody()
                .jsonPath("$.redis.port").isEqualTo(sentinels.primaryPort())
                .jsonPath("$.redis.host").isEqualTo("127.0.0.1")
                .jsonPath("$.redis.role").isEqualTo("master")
                .jsonPath("$.redis.last_failover").value(String.class, at ->
                        assertThat(Instant.parse(at)).as("the failover this pod followed").isAfter(beforeKill));
        for (String token : revoked) {
            assertThat(status(token)).as("a revocation acknowledged before the failover").isEqualTo(401);
        }
        for (String token : kept) {
            assertThat(status(token)).isEqualTo(200);
        }

        // The killed node comes back empty (no persistence here) and is made a replica, not a primary.
        old.start();
        await("the old primary rejoins as a replica").atMost(REJOIN)
                .until(() -> sentinels.info(old, "replication").contains("role:slave")
                        && sentinels.info(old, "replication").contains("master_link_status:up"));
        // Acknowledged once the rejoined replica confirms it within the WAIT timeout: on a loaded
        // machine the first tries after the link is up may still answer 503 (closed, not lost).
        await("a revocation is acknowledged again").atMost(REJOIN).pollInterval(Duration.ofMillis(200))
                .until(() -> revokeStatus(kept.get(1)) == 200);
        assertThat(status(kept.get(1))).isEqualTo(401);
    }

    /**
     * SIGSTOP, as a VM pause or a partition would leave the primary: its sockets stay open. The
     * service drops connections whose commands time out and asks the Sentinels again; with the
     * paused node gone there is no replica, so a revocation is not acknowledged (503) until the
     * resumed node has rejoined as a replica, and nothing it takes while paused is lost.
     */
    @Test
    @Order(2)
    void pausingThePrimaryFailsOverAndTheResumedNodeRejoinsAsAReplica() throws Exception {
        String token = service.clientCredentialsToken();
        String toRevoke = service.clientCredentialsToken();
        RedisServerExtension paused = sentinels.primary();
        paused.pause();
        try {
            long pausedAt = System.nanoTime();
            await("a new primary").atMost(FAILOVER).until(() -> sentinels.primaryPort() != paused.port());
            await("verification through the new primary").atMost(FAILOVER).pollInterval(Duration.ofMillis(100))
                    .until(() -> status(token) == 200);
            System.out.printf("failover after SIGSTOP: verification back after %d ms%n",
                    Duration.ofNanos(System.nanoTime() - pausedAt).toMillis());
            revoke(toRevoke).expectStatus().isEqualTo(503);
        } finally {
            paused.resume();
        }
        await("the resumed node rejoins as a replica").atMost(REJOIN)
                .until(() -> sentinels.info(paused, "replication").contains("role:slave")
                        && sentinels.info(paused, "replication").contains("master_link_status:up"));
        await("a revocation is acknowledged again").atMost(REJOIN).pollInterval(Duration.ofMillis(200))
                .until(() -> revokeStatus(toRevoke) == 200);
        assertThat(status(toRevoke)).isEqualTo(401);
        assertThat(status(token)).isEqualTo(200);
    }

    private static org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec revoke(String token) {
        return service.postForm("/oauth2/revoke", AuthServiceExtension.SERVICE_CLIENT,
                AuthServiceExtension.SERVICE_SECRET, Map.of("token", token));
    }

    private static int revokeStatus(String token) {
        return revoke(token).returnResult(Void.class).getStatus().value();
    }

    private static int status(String token) {
        return WebClient.create("http://127.0.0.1:" + service.port()).get().uri("/forward-auth/")
                .headers(h -> h.setBearerAuth(token))
                .exchangeToMono(response -> Mono.just(response.statusCode().value()))
                .block(Duration.ofSeconds(10));
    }

    /** Verifications every 20 ms in the background, counted by status. */
    private record Load(Thread thread, AtomicBoolean running, Map<Integer, Integer> statuses) {

        static Load start(String token) {
            AtomicBoolean running = new AtomicBoolean(true);
            Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
            Thread thread = new Thread(() -> {
                while (running.get()) {
                    try {
                        statuses.merge(status(token), 1, Integer::sum);
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        statuses.merge(-1, 1, Integer::sum);
                    }
                }
            });
            thread.start();
            return new Load(thread, running, statuses);
        }

        Map<Integer, Integer> stop() throws InterruptedException {
            running.set(false);
            thread.join();
            return Map.copyOf(statuses);
        }
    }
}
