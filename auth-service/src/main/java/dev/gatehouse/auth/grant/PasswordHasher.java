package dev.gatehouse.auth.grant;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Slow password hashes (bcrypt, Argon2id) computed off the event loop on a scheduler with one
 * thread per core and a bounded queue: a flood of logins queues up to that bound and is then
 * refused (503) instead of starving verification of CPU or the heap of Argon2 memory.
 */
@Component
public class PasswordHasher implements DisposableBean {

    private static final int QUEUE_BOUND = 1024;

    private final BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder();
    private final Argon2PasswordEncoder argon2 = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    private final Scheduler scheduler = Schedulers.newBoundedElastic(
            Runtime.getRuntime().availableProcessors(), QUEUE_BOUND, "password-hash");
    /** Checked when there is no user or client, so their absence takes as long as a wrong password. */
    private final String decoy = bcrypt.encode("decoy-password-for-unknown-accounts");

    public static boolean isSupportedHash(String hash) {
        return hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$")
                || hash.startsWith("$argon2id$");
    }

    /** @param hash null for an unknown account: a decoy is checked and false returned */
    public Mono<Boolean> matches(String raw, String hash) {
        return Mono.fromCallable(() -> {
            if (hash == null || !isSupportedHash(hash)) {
                bcrypt.matches(raw, decoy);
                return false;
            }
            return hash.startsWith("$argon2id$") ? argon2.matches(raw, hash) : bcrypt.matches(raw, hash);
        }).subscribeOn(scheduler);
    }

    /** An Argon2id hash for a new user's password. */
    public Mono<String> hash(String raw) {
        return Mono.fromCallable(() -> argon2.encode(raw)).subscribeOn(scheduler);
    }

    @Override
    public void destroy() {
        scheduler.dispose();
    }
}
