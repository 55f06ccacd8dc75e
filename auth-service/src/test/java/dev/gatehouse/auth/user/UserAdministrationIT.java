package dev.gatehouse.auth.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.grant.PasswordHasher;
import dev.gatehouse.auth.redis.BatchedMget;
import dev.gatehouse.auth.redis.RedisPool;
import dev.gatehouse.auth.redis.RedisUnavailableException;
import dev.gatehouse.auth.store.RefreshTokenStore;
import dev.gatehouse.auth.store.RevocationStore;
import dev.gatehouse.auth.store.UserStore;
import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.RedisServerExtension;
import dev.gatehouse.auth.token.JcaProviders;
import dev.gatehouse.auth.token.KeyRing;
import dev.gatehouse.auth.token.TokenRevoker;
import dev.gatehouse.auth.token.TokenVerifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * The admin API's rules without Spring or HTTP, against a real redis-server: what it refuses and
 * why, what it stores, and that disabling and deleting log the user out everywhere.
 */
class UserAdministrationIT {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @TempDir
    static Path keys;

    static RedisPool pool;
    static PasswordHasher hasher;
    static UserStore users;
    static RevocationStore revocations;
    static UserAdministration administration;

    @BeforeAll
    static void services() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "k");
        Files.writeString(keys.resolve("active-kid"), "k");
        // Bound the way the service binds its properties, with the defaults of the records.
        GatehouseProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
                "gatehouse.redis.host", "127.0.0.1",
                "gatehouse.redis.port", Integer.toString(redis.port()),
                "gatehouse.redis.password", redis.password(),
                "gatehouse.redis.pool.acquire-timeout", "1s",
                "gatehouse.redis.reconnect.max-delay", "500ms",
                "gatehouse.jwt.issuer", "https://issuer",
                "gatehouse.jwt.audiences", "api",
                "gatehouse.jwt.keys-dir", keys.toString())))
                .bind("gatehouse", GatehouseProperties.class).get();
        JcaProviders providers = new JcaProviders();
        pool = new RedisPool(properties, new SimpleMeterRegistry());
        hasher = new PasswordHasher();
        users = new UserStore(pool);
        revocations = new RevocationStore(pool, new BatchedMget(pool));
        TokenRevoker revoker = new TokenRevoker(new TokenVerifier(new KeyRing(properties, providers), properties, providers),
                revocations, new RefreshTokenStore(pool), properties);
        administration = new UserAdministration(users, hasher, revoker);
    }

    @AfterAll
    static void close() {
        pool.destroy();
        hasher.destroy();
    }

    @Test
    void createsAUserWithAnArgon2idHashOfItsPassword() {
        String name = unique("ada");
        administration.create(name, "ada-password", null).block(WAIT);

        UserStore.User stored = administration.find(name).block(WAIT);
        assertThat(stored.username()).isEqualTo(name);
        assertThat(stored.disabled()).isFalse();
        assertThat(stored.createdAt()).isBeforeOrEqualTo(Instant.now());
        assertThat(stored.passwordHash()).startsWith("$argon2id$").doesNotContain("ada-password");
        assertThat(hasher.matches("ada-password", stored.passwordHash()).block(WAIT)).isTrue();
    }

    @Test
    void refusesWeakPasswordsAndUnsupportedHashes() {
        String name = unique("bob");
        assertRefused(administration.create(name, "seven77", null), UserAdministration.Refused.Reason.INVALID,
                "password of at least 8 characters required");
        assertRefused(administration.create(name, null, null), UserAdministration.Refused.Reason.INVALID,
                "password of at least 8 characters required");
        assertRefused(administration.create(name, "", null), UserAdministration.Refused.Reason.INVALID,
                "password of at least 8 characters required");
        String bcrypt = new BCryptPasswordEncoder(4).encode("bob-password");
        for (String hash : new String[] {"plaintext", "", "$2x$04$abc", "$argon2i$v=19$m=16,t=2,p=1$c2FsdA$aGFzaA"}) {
            assertRefused(administration.create(name, null, hash), UserAdministration.Refused.Reason.INVALID,
                    "give either password or a bcrypt/Argon2id password_hash");
        }
        // Both at once: which one counts would be a guess.
        assertRefused(administration.create(name, "bob-password", bcrypt), UserAdministration.Refused.Reason.INVALID,
                "give either password or a bcrypt/Argon2id password_hash");
        assertRefused(administration.find(name), UserAdministration.Refused.Reason.NOT_FOUND, "no user " + name);

        administration.create(name, "eight888", null).block(WAIT);
        assertThat(hasher.matches("eight888", administration.find(name).block(WAIT).passwordHash()).block(WAIT)).isTrue();
    }

    @Test
    void anOversizePasswordIsHashedWholeNotCutAtBcryptsLimit() {
        // bcrypt reads 72 bytes at most; Argon2id reads all, so a password that differs only far
        // past byte 72 is a different password.
        String name = unique("carl");
        String password = "p".repeat(10_000) + "1";
        administration.create(name, password, null).block(WAIT);
        String hash = administration.find(name).block(WAIT).passwordHash();
        assertThat(hasher.matches(password, hash).block(WAIT)).isTrue();
        assertThat(hasher.matches("p".repeat(10_000) + "2", hash).block(WAIT)).isFalse();
        assertThat(hasher.matches("p".repeat(72), hash).block(WAIT)).isFalse();
    }

    @Test
    void keepsAPrecomputedHashAsGiven() {
        String name = unique("dora");
        String bcrypt = new BCryptPasswordEncoder(4).encode("dora-password");
        administration.create(name, null, bcrypt).block(WAIT);
        assertThat(administration.find(name).block(WAIT).passwordHash()).isEqualTo(bcrypt);
    }

    @Test
    void refusesAUserThatExistsAndKeepsItsPassword() {
        String name = unique("eve");
        administration.create(name, "first-password", null).block(WAIT);
        String hash = administration.find(name).block(WAIT).passwordHash();

        assertRefused(administration.create(name, "second-password", null), UserAdministration.Refused.Reason.EXISTS,
                "user " + name + " exists");
        assertThat(administration.find(name).block(WAIT).passwordHash()).isEqualTo(hash);
    }

    @Test
    void refusesUsernamesThatCouldNotBeATokensSubject() {
        String tooLong = "u".repeat(257);
        for (String name : new String[] {null, "", tooLong, "has space", "ivan\r", "ivan\nX-Admin: yes", "ivan\u0000",
                "iv\u00e1n", "a/b", "a:b"}) {
            String message = "username must be 1-256 characters of A-Z a-z 0-9 . _ @ + -";
            assertRefused(administration.create(name, "long enough", null), UserAdministration.Refused.Reason.INVALID, message);
            assertRefused(administration.find(name), UserAdministration.Refused.Reason.INVALID, message);
            assertRefused(administration.disable(name), UserAdministration.Refused.Reason.INVALID, message);
            assertRefused(administration.enable(name), UserAdministration.Refused.Reason.INVALID, message);
            assertRefused(administration.delete(name), UserAdministration.Refused.Reason.INVALID, message);
            assertRefused(administration.logoutEverywhere(name), UserAdministration.Refused.Reason.INVALID, message);
        }
        String longest = "u".repeat(256);
        administration.create(longest, "long enough", null).block(WAIT);
        assertThat(administration.find(longest).block(WAIT).username()).isEqualTo(longest);
        administration.delete(longest).block(WAIT);
    }

    @Test
    void anUnknownUserIsNotFoundAndNothingIsCreated() {
        String ghost = unique("ghost");
        for (Mono<?> call : new Mono<?>[] {administration.find(ghost), administration.disable(ghost),
                administration.enable(ghost), administration.delete(ghost)}) {
            assertRefused(call, UserAdministration.Refused.Reason.NOT_FOUND, "no user " + ghost);
        }
        assertThat(users.find(ghost).block(WAIT)).isEmpty();
        // Logging out is by subject: a client's subject is no user, and that is not an error.
        administration.logoutEverywhere(ghost).block(WAIT);
        assertThat(revoked(ghost, Instant.now().minusSeconds(1))).isTrue();
        assertThat(users.find(ghost).block(WAIT)).isEmpty();
    }

    @Test
    void disablingLogsOutEverywhereAndDisablingAgainDoesItAgain() throws InterruptedException {
        String name = unique("finn");
        administration.create(name, "finn-password", null).block(WAIT);
        Instant beforeFirst = Instant.now().minusSeconds(1);
        assertThat(revoked(name, beforeFirst)).isFalse();

        administration.disable(name).block(WAIT);
        assertThat(administration.find(name).block(WAIT).disabled()).isTrue();
        assertThat(revoked(name, beforeFirst)).isTrue();

        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        assertThat(revoked(name, between)).isFalse();
        // Already disabled: not an error, and a token issued since the first disable is revoked too.
        administration.disable(name).block(WAIT);
        assertThat(administration.find(name).block(WAIT).disabled()).isTrue();
        assertThat(revoked(name, between)).isTrue();

        administration.enable(name).block(WAIT);
        administration.enable(name).block(WAIT);
        assertThat(administration.find(name).block(WAIT).disabled()).isFalse();
    }

    @Test
    void deletingLogsOutEverywhere() throws InterruptedException {
        String name = unique("gus");
        administration.create(name, "gus-password", null).block(WAIT);
        Thread.sleep(20);
        Instant issued = Instant.now();
        Thread.sleep(20);
        administration.delete(name).block(WAIT);
        assertThat(users.find(name).block(WAIT)).isEmpty();
        assertThat(revoked(name, issued)).isTrue();
        assertRefused(administration.delete(name), UserAdministration.Refused.Reason.NOT_FOUND, "no user " + name);
    }

    @Test
    void redisDownFailsAsUnavailableNeverAsDoneOrRefused() throws Exception {
        String name = unique("hal");
        administration.create(name, "hal-password", null).block(WAIT);
        redis.stop();
        try {
            for (Mono<?> call : new Mono<?>[] {administration.logoutEverywhere(name), administration.disable(name),
                    administration.delete(name), administration.find(name), administration.create(unique("ivy"), "ivy-password", null)}) {
                long started = System.nanoTime();
                assertThatThrownBy(() -> call.block(WAIT)).isInstanceOf(RedisUnavailableException.class);
                // The connect and acquire timeouts bound it: a 503, not a hang.
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            }
        } finally {
            redis.start();
            Mono.defer(() -> pool.execute(commands -> commands.ping()))
                    .retryWhen(Retry.fixedDelay(100, Duration.ofMillis(100))).block(WAIT);
        }
        // redis-server came back empty (no persistence in tests): the user is gone, not half-changed.
        assertRefused(administration.disable(name), UserAdministration.Refused.Reason.NOT_FOUND, "no user " + name);
    }

    private static boolean revoked(String subject, Instant issuedAt) {
        return revocations.isRevoked(UUID.randomUUID().toString(), subject, issuedAt).block(WAIT);
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertRefused(Mono<?> call, UserAdministration.Refused.Reason reason, String message) {
        assertThatThrownBy(() -> call.block(WAIT))
                .isInstanceOfSatisfying(UserAdministration.Refused.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(reason);
                    assertThat(refused.getMessage()).isEqualTo(message);
                });
    }
}
