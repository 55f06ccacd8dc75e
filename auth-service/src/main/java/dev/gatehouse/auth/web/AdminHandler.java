package dev.gatehouse.auth.web;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.secret.MountedSecret;
import dev.gatehouse.auth.secret.SecretDigest;
import dev.gatehouse.auth.user.UserAdministration;
import java.net.URI;
import java.time.Instant;
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

    private final UserAdministration administration;
    private final byte[] adminTokenDigest;

    public AdminHandler(UserAdministration administration, GatehouseProperties properties) {
        this.administration = administration;
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
                // Deferred: the Location is built only from a username the administration accepted.
                .flatMap(user -> administration.create(user.username(), user.password(), user.passwordHash())
                        .then(Mono.defer(() ->
                                ServerResponse.created(URI.create("/admin/users/" + user.username())).build())))
                .onErrorMap(UserAdministration.Refused.class, AdminHandler::status);
    }

    public Mono<ServerResponse> show(ServerRequest request) {
        return administration.find(request.pathVariable("username"))
                .flatMap(user -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(new UserView(user.username(), user.disabled(), user.createdAt())))
                .onErrorMap(UserAdministration.Refused.class, AdminHandler::status);
    }

    public Mono<ServerResponse> disable(ServerRequest request) {
        return noContent(administration.disable(request.pathVariable("username")));
    }

    public Mono<ServerResponse> enable(ServerRequest request) {
        return noContent(administration.enable(request.pathVariable("username")));
    }

    public Mono<ServerResponse> delete(ServerRequest request) {
        return noContent(administration.delete(request.pathVariable("username")));
    }

    public Mono<ServerResponse> logoutEverywhere(ServerRequest request) {
        return noContent(administration.logoutEverywhere(request.pathVariable("username")));
    }

    private static Mono<ServerResponse> noContent(Mono<Void> done) {
        return done.then(ServerResponse.noContent().build())
                .onErrorMap(UserAdministration.Refused.class, AdminHandler::status);
    }

    private static ResponseStatusException status(UserAdministration.Refused refused) {
        HttpStatus status = switch (refused.reason()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case EXISTS -> HttpStatus.CONFLICT;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
        };
        return new ResponseStatusException(status, refused.getMessage());
    }

    /** The body of {@code POST /admin/users}: {@code password} (hashed by the service) or {@code password_hash}. */
    public record NewUser(String username, String password, String passwordHash) {
        @Override
        public String toString() {
            return "NewUser[" + username + "]";
        }
    }

    public record UserView(String username, boolean disabled, Instant createdAt) {
    }
}
