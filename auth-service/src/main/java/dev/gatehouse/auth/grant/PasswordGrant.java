package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.store.LockoutStore;
import dev.gatehouse.auth.store.RefreshTokenStore;
import dev.gatehouse.auth.store.UserStore;
import dev.gatehouse.auth.token.TokenIssuer;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * RFC 6749 §4.3, for first-party clients. Every attempt is reserved against the user and the
 * caller's address in one atomic step before the password is hashed ({@link LockoutStore}), so a
 * locked account costs no hash and parallel guesses gain nothing; every failure, whatever its cause,
 * says the same thing and counts against both, so neither enumeration nor spraying pays. A success
 * clears the user's counter and gives back only its own attempt on the address's.
 */
@Component
public class PasswordGrant implements Grant {

    static final int MAX_USERNAME_LENGTH = 256;

    private final UserStore users;
    private final LockoutStore lockouts;
    private final PasswordHasher hasher;
    private final TokenIssuer issuer;
    private final RefreshTokenStore refreshTokens;
    private final Duration refreshTokenTtl;

    public PasswordGrant(UserStore users, LockoutStore lockouts, PasswordHasher hasher, TokenIssuer issuer,
                         RefreshTokenStore refreshTokens, GatehouseProperties properties) {
        this.users = users;
        this.lockouts = lockouts;
        this.hasher = hasher;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.refreshTokenTtl = properties.jwt().refreshTokenTtl();
    }

    @Override
    public String type() {
        return "password";
    }

    @Override
    public Mono<TokenResponse> grant(RegisteredClient client, GrantRequest request) {
        String username = request.required("username");
        String password = request.required("password");
        if (username.length() > MAX_USERNAME_LENGTH) {
            return Mono.error(GrantException.invalidRequest("username longer than " + MAX_USERNAME_LENGTH));
        }
        String scope = client.grantedScope(request.parameter("scope"));
        String address = request.clientAddress();
        // The attempt is reserved (counted) before anything else: concurrent guesses count one by
        // one, a refused one costs no hash and no user look-up, and Redis failing here is a 503,
        // never an evaluated guess. Unknown and disabled users take the same path and the same time
        // (the decoy hash) as a wrong password, and count the same.
        return lockouts.reserveLogin(username, address)
                .flatMap(attempt -> attempt.allowed()
                        ? users.find(username)
                        : Mono.error(new ThrottledException("invalid_grant",
                        "too many failed logins; try again in " + attempt.retryAfterSeconds() + " seconds",
                        attempt.retryAfterSeconds())))
                .flatMap(user -> hasher.matches(password, user.map(UserStore.User::passwordHash).orElse(null))
                        .map(matches -> matches && user.isPresent() && !user.get().disabled()))
                .flatMap(authenticated -> authenticated
                        ? lockouts.loginSucceeded(username, address).then(issue(client, username, scope))
                        : Mono.error(GrantException.invalidGrant("invalid username or password")));
    }

    private Mono<TokenResponse> issue(RegisteredClient client, String username, String scope) {
        TokenIssuer.IssuedToken token = issuer.issue(username, client.id(), scope);
        Mono<String> refresh = client.mayUse("refresh_token")
                ? refreshTokens.issue(username, client.id(), scope, refreshTokenTtl)
                : Mono.just("");
        return refresh.map(refreshToken -> TokenResponse.bearer(token.value(), token.expiresIn().toSeconds(),
                refreshToken.isEmpty() ? null : refreshToken, scope));
    }
}
