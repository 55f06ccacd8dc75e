package dev.gatehouse.auth.web;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.secret.MountedSecret;
import dev.gatehouse.auth.secret.SecretDigest;
import dev.gatehouse.auth.grant.PasswordHasher;
import dev.gatehouse.auth.store.UserStore;
import dev.gatehouse.auth.token.TokenRevoker;
import java.net.URI;
import java.time.Instant;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * The admin API for platform scripts (docs/auth-service.md): create, show, disable, enable and
 * delete users, and log a user out everywhere. Guarded by the bearer token of
 * {@code gatehouse.admin.token-file}; without that file the API does not exist (404).
 */
@Component
public class AdminHandler {

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@+-]{1,256}");
    private static final int MIN_PASSWORD_LENGTH = 8;

    private final UserStore users;
    private final PasswordHasher hasher;
    private final TokenRevoker revoker;
    private final byte[] adminTokenDigest;

    public AdminHandler(UserStore users, PasswordHasher hasher, TokenRevoker revoker, GatehouseProperties properties) {
        this.users = users;
        this.hasher = hasher;
        this.revoker = revoker;
        this.adminTokenDigest = properties.admin().tokenFile() == null ? null
                : SecretDigest.of(MountedSecret.read(properties.admin().tokenFile()));
    }

    /** Compares digests in constant time, so the response time says nothing about the token. */
    public HandlerFilterFunction<ServerResponse, ServerResponse> guard() {
        return (request, next) -> {
            if (adminTokenDigest == null) {
                return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "admin API disabled"));
            }
            String token = BearerToken.of(request);
            if (token == null || !SecretDigest.matches(adminTokenDigest, token)) {
                return Mono.error(new ResponseStatusException(HttpStatus.UNAUTHORIZED, "admin token required"));
            }
            return next.handle(request);
        };
    }

    public Mono<ServerResponse> create(ServerRequest request) {
        return request.bodyToMono(NewUser.class)
                .switchIfEmpty(Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "JSON body required")))
                .flatMap(user -> {
                    validUsername(user.username());
                    return passwordHash(user).flatMap(hash -> users.create(user.username(), hash))
                            .flatMap(created -> created
                                    ? ServerResponse.created(URI.create("/admin/users/" + user.username())).build()
                                    : Mono.error(new ResponseStatusException(HttpStatus.CONFLICT,
                                    "user " + user.username() + " exists")));
                });
    }

    private Mono<String> passwordHash(NewUser user) {
        if (user.passwordHash() != null) {
            if (user.password() != null || !PasswordHasher.isSupportedHash(user.passwordHash())) {
                return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
                        "give either password or a bcrypt/Argon2id password_hash"));
            }
            return Mono.just(user.passwordHash());
        }
        if (user.password() == null || user.password().length() < MIN_PASSWORD_LENGTH) {
            return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "password of at least " + MIN_PASSWORD_LENGTH + " characters required"));
        }
        return hasher.hash(user.password());
    }

    public Mono<ServerResponse> show(ServerRequest request) {
        String username = validUsername(request.pathVariable("username"));
        return users.find(username).flatMap(user -> user
                .map(found -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new UserView(found.username(), found.disabled(), found.createdAt())))
                .orElseGet(() -> notFound(username)));
    }

    public Mono<ServerResponse> disable(ServerRequest request) {
        return setDisabled(request, true);
    }

    public Mono<ServerResponse> enable(ServerRequest request) {
        return setDisabled(request, false);
    }

    private Mono<ServerResponse> setDisabled(ServerRequest request, boolean disabled) {
        String username = validUsername(request.pathVariable("username"));
        Mono<Void> logout = disabled ? revoker.revokeAllOf(username) : Mono.empty();
        return users.setDisabled(username, disabled)
                .flatMap(found -> found ? logout.then(ServerResponse.noContent().build()) : notFound(username));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        String username = validUsername(request.pathVariable("username"));
        return users.delete(username)
                .flatMap(found -> found
                        ? revoker.revokeAllOf(username).then(ServerResponse.noContent().build())
                        : notFound(username));
    }

    /** Every token of the user issued until now is refused; works for client subjects too. */
    public Mono<ServerResponse> logoutEverywhere(ServerRequest request) {
        String username = validUsername(request.pathVariable("username"));
        return revoker.revokeAllOf(username).then(ServerResponse.noContent().build());
    }

    private static Mono<ServerResponse> notFound(String username) {
        return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no user " + username));
    }

    private static String validUsername(String username) {
        if (username == null || !USERNAME.matcher(username).matches()) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
                    "username must be 1-256 characters of A-Z a-z 0-9 . _ @ + -");
        }
        return username;
    }


    /** The body of {@code POST /admin/users}: {@code password} (hashed here) or {@code password_hash}. */
    public record NewUser(String username, String password, String passwordHash) {
        @Override
        public String toString() {
            return "NewUser[" + username + "]";
        }
    }

    public record UserView(String username, boolean disabled, Instant createdAt) {
    }
}
