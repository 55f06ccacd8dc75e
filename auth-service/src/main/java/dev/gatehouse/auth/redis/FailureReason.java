package dev.gatehouse.auth.redis;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;

/**
 * Why a Redis operation failed, in words for /health/redis and the 503's detail. Lettuce wraps a
 * connect failure behind Sentinel in exceptions without a message, the real reason a few causes or
 * suppressed exceptions down; a refused certificate is the one a person must see (the CA file to
 * fix), so a TLS failure anywhere in the chain wins. JDK and Lettuce messages name hosts, ports and
 * certificate checks, never a password (Lettuce masks it in URIs).
 */
final class FailureReason {

    private FailureReason() {
    }

    static String of(Throwable error) {
        Optional<Throwable> tls = find(error, e -> e instanceof SSLException && e.getMessage() != null);
        if (tls.isPresent()) {
            return "TLS handshake failed: " + tls.get().getMessage();
        }
        return find(error, e -> e.getMessage() != null).map(Throwable::getMessage)
                .orElse(error.getClass().getSimpleName());
    }

    /** Breadth-first over causes and suppressed exceptions, each visited once. */
    private static Optional<Throwable> find(Throwable error, Predicate<Throwable> wanted) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> queue = new ArrayDeque<>();
        queue.add(error);
        while (!queue.isEmpty()) {
            Throwable next = queue.poll();
            if (!seen.add(next)) {
                continue;
            }
            if (wanted.test(next)) {
                return Optional.of(next);
            }
            if (next.getCause() != null) {
                queue.add(next.getCause());
            }
            Collections.addAll(queue, next.getSuppressed());
        }
        return Optional.empty();
    }
}
