package dev.gatehouse.auth.user;

import dev.gatehouse.auth.grant.PasswordHasher;
import dev.gatehouse.auth.store.UserStore;
import dev.gatehouse.auth.token.TokenRevoker;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What the admin API does to users (docs/auth-service.md): the username and password rules,
 * hashing a new password, and logging a user out everywhere when it is disabled or deleted.
 * A request it refuses fails with {@link Refused}; Redis failing, with the pool's
 * {@link dev.gatehouse.auth.redis.RedisUnavailableException}.
 */
@Component
public class UserAdministration {

    /** A username becomes a token's {@code sub} and forward-auth's header: no control characters. */
    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1,256}");
    static final int MIN_PASSWORD_LENGTH = 8;

    private final UserStore users;
    private final PasswordHasher hasher;
    private final TokenRevoker revoker;

    public UserAdministration(UserStore users, PasswordHasher hasher, TokenRevoker revoker) {
        this.users = users;
        this.hasher = hasher;
        this.revoker = revoker;
    }

    /**
     * @param password hashed here (Argon2id); or null, with {@code passwordHash} a bcrypt or
     *        Argon2id hash computed elsewhere
     */
    public Mono<Void> create(String username, String password, String passwordHash) {
        return validUsername(username)
                .then(passwordHash(password, passwordHash))
                .flatMap(hash -> users.create(username, hash))
                .flatMap(created -> created ? Mono.<Void>empty()
                        : Mono.error(new Refused(Refused.Reason.EXISTS, "user " + username + " exists")));
    }

    private Mono<String> passwordHash(String password, String passwordHash) {
        if (passwordHash != null) {
            if (password != null || !PasswordHasher.isSupportedHash(passwordHash)) {
                return Mono.error(new Refused(Refused.Reason.INVALID,
                        "give either password or a bcrypt/Argon2id password_hash"));
            }
            return Mono.just(passwordHash);
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            return Mono.error(new Refused(Refused.Reason.INVALID,
                    "password of at least " + MIN_PASSWORD_LENGTH + " characters required"));
        }
        return hasher.hash(password);
    }

    /** The stored user; the caller shows what of it leaves the service. */
    public Mono<UserStore.User> find(String username) {
        return validUsername(username)
                .then(users.find(username))
                .flatMap(user -> user.map(Mono::just).orElseGet(() -> noSuchUser(username)));
    }

    /** Also logs the user out everywhere; disabling a disabled user does that again. */
    public Mono<Void> disable(String username) {
        return validUsername(username)
                .then(users.setDisabled(username, true))
                .flatMap(found -> found ? revoker.revokeAllOf(username) : noSuchUser(username));
    }

    public Mono<Void> enable(String username) {
        return validUsername(username)
                .then(users.setDisabled(username, false))
                .flatMap(found -> found ? Mono.<Void>empty() : noSuchUser(username));
    }

    /** Also logs the user out everywhere, so a user created again later starts without its tokens. */
    public Mono<Void> delete(String username) {
        return validUsername(username)
                .then(users.delete(username))
                .flatMap(found -> found ? revoker.revokeAllOf(username) : noSuchUser(username));
    }

    /** Every token of the subject issued until now is refused; works for client subjects too. */
    public Mono<Void> logoutEverywhere(String subject) {
        return validUsername(subject).then(revoker.revokeAllOf(subject));
    }

    private static <T> Mono<T> noSuchUser(String username) {
        return Mono.error(new Refused(Refused.Reason.NOT_FOUND, "no user " + username));
    }

    private static Mono<Void> validUsername(String username) {
        return username != null && USERNAME.matcher(username).matches() ? Mono.empty()
                : Mono.error(new Refused(Refused.Reason.INVALID,
                "username must be 1-256 characters of A-Z a-z 0-9 . _ @ + -"));
    }

    /** A request refused for what it asks; the message names no secret and may be shown. */
    public static final class Refused extends RuntimeException {

        public enum Reason {
            /** The username, password or hash breaks a rule. */
            INVALID,
            /** A user of that name exists. */
            EXISTS,
            /** There is no user of that name. */
            NOT_FOUND
        }

        private final Reason reason;

        Refused(Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
