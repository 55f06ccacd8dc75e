package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.secret.SecretDigest;
import dev.gatehouse.auth.store.LockoutStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Authenticates OAuth clients by {@code client_secret_basic} or {@code client_secret_post}
 * (RFC 6749 §2.3.1).
 *
 * <p>A client's secret is checked against its slow hash once; after that a SHA-256 digest of the
 * secret that matched is kept in memory and compared in constant time. Clients send their secret
 * on every token and introspection call, and a slow hash per call, slow by design, would make every
 * call pay what only a guess should pay. A wrong secret is never cached, so guessing still pays the
 * slow hash, and the bounded hashing queue refuses floods.
 *
 * <p>Guessing is throttled per client id ({@link LockoutStore}, {@code max-failures-per-client}):
 * a slow check is reserved atomically before its hash, and a locked-out client is refused (429)
 * even with the right secret.
 */
@Component
public class ClientAuthenticator {

    /** The RFC 6749 client authentication methods this class accepts, as metadata names them. */
    public static final List<String> METHODS = List.of("client_secret_basic", "client_secret_post");

    private final ClientRegistry registry;
    private final PasswordHasher hasher;
    private final ConcurrentHashMap<String, byte[]> verifiedSecretDigests = new ConcurrentHashMap<>();
    private final LockoutStore lockouts;
    private final ConcurrentHashMap<String, Mono<Boolean>> inFlight = new ConcurrentHashMap<>();

    public ClientAuthenticator(ClientRegistry registry, PasswordHasher hasher, LockoutStore lockouts) {
        this.registry = registry;
        this.hasher = hasher;
        this.lockouts = lockouts;
    }

    /**
     * @param authorization the Authorization header, or null
     * @param formClientId {@code client_id} of the form, or null
     * @param formClientSecret {@code client_secret} of the form, or null
     * @param mayFailOpen true only for an endpoint that answers without Redis under the FAIL_OPEN
     *        verification policy (introspection): there the client checks fail open with it. Elsewhere
     *        a check Redis cannot answer is a 503, so a client authenticated for the token or
     *        revocation endpoint is proof that Redis answered during this request.
     */
    public Mono<RegisteredClient> authenticate(String authorization, String formClientId, String formClientSecret,
                                               boolean mayFailOpen) {
        Credentials credentials;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            if (formClientSecret != null) {
                return Mono.error(GrantException.invalidRequest("use one client authentication method, not two"));
            }
            credentials = basic(authorization.substring(6).trim());
        } else if (formClientId != null && formClientSecret != null) {
            credentials = new Credentials(formClientId, formClientSecret);
        } else {
            return Mono.error(GrantException.invalidClient("client authentication required"));
        }
        RegisteredClient client = registry.find(credentials.id()).orElse(null);
        if (client != null && SecretDigest.matches(verifiedSecretDigests.get(client.id()), credentials.secret())) {
            // The secret already verified: no guess, so nothing is reserved, but a locked-out
            // client is refused here too, or 200-versus-429 would tell a guesser which guess was
            // right. One read, batched with the reads of concurrent requests (on introspection, with
            // the token's own revocation look-up): counting every success atomically would cost a
            // write each.
            return lockouts.checkClient(client.id(), mayFailOpen).flatMap(attempt -> attempt.allowed()
                    ? Mono.just(client) : Mono.error(throttled(attempt)));
        }
        return verifyOnce(credentials, client, mayFailOpen).flatMap(matches -> {
            if (!matches) {
                return Mono.error(GrantException.invalidClient("client authentication failed"));
            }
            verifiedSecretDigests.put(client.id(), SecretDigest.of(credentials.secret()));
            return Mono.just(client);
        });
    }

    /**
     * The slow check, behind a reservation against the client id (known or not, so a locked-out
     * id says nothing about existing): concurrent guesses count one by one. Concurrent requests
     * presenting the same secret share one reservation and one hash: they are one guess, and a
     * client starting on a cold pod under load must not lock itself out. A success gives its
     * reservation back, so the counter counts failures (and checks in progress).
     */
    private Mono<Boolean> verifyOnce(Credentials credentials, RegisteredClient client, boolean mayFailOpen) {
        String key = (mayFailOpen ? "o" : "c") + credentials.id().length() + ":" + credentials.id()
                + SecretDigest.hex(credentials.secret());
        return Mono.defer(() -> {
            AtomicReference<Mono<Boolean>> created = new AtomicReference<>();
            Mono<Boolean> check = inFlight.computeIfAbsent(key, k -> {
                Mono<Boolean> mono = lockouts.reserveClient(credentials.id(), mayFailOpen)
                        .flatMap(attempt -> attempt.allowed()
                                ? hasher.matches(credentials.secret(), client == null ? null : client.secretHash())
                                : Mono.error(throttled(attempt)))
                        .flatMap(matches -> matches
                                ? lockouts.clientSucceeded(credentials.id(), mayFailOpen).thenReturn(true)
                                : Mono.just(false))
                        .doFinally(signal -> inFlight.remove(k, created.get()))
                        .cache();
                created.set(mono);
                return mono;
            });
            return check;
        });
    }

    private static ThrottledException throttled(LockoutStore.Attempt attempt) {
        return new ThrottledException("invalid_client", "too many failed client authentications; try again in "
                + attempt.retryAfterSeconds() + " seconds", attempt.retryAfterSeconds());
    }

    /**
     * RFC 7617 and RFC 6749 §2.3.1: Base64 of {@code id:secret}, each form-urlencoded first.
     * Anything malformed is invalid_client with a fixed message: no exception quotes the input.
     */
    private static Credentials basic(String encoded) {
        try {
            String decoded = FormUrlEncoding.utf8(Base64.getDecoder().decode(encoded));
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw GrantException.invalidClient("malformed Basic credentials: no colon");
            }
            return new Credentials(FormUrlEncoding.decode(decoded.substring(0, colon)),
                    FormUrlEncoding.decode(decoded.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw GrantException.invalidClient("malformed Basic credentials: not Base64");
        } catch (FormUrlEncoding.Malformed e) {
            throw GrantException.invalidClient("malformed Basic credentials: " + e.getMessage());
        }
    }

    private record Credentials(String id, String secret) {
        @Override
        public String toString() {
            return "Credentials[" + id + "]";
        }
    }
}
