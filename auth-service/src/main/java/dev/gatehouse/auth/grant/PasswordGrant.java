package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.LockoutProperties;
import dev.gatehouse.auth.store.LockoutStore;
import dev.gatehouse.auth.store.RefreshTokenStore;
import dev.gatehouse.auth.store.UserStore;
import dev.gatehouse.auth.token.TokenIssuer;
import java.time.Duration;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * RFC 6749 §4.3, for first-party clients. Lockout is checked before the password so a locked
 * account costs no hash; every failure, whatever its cause, says the same thing and counts against
 * both the user and the caller's address, so neither enumeration nor spraying pays.
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
    private final LockoutProperties lockout;

    public PasswordGrant(UserStore users, LockoutStore lockouts, PasswordHasher hasher, TokenIssuer issuer,
                         RefreshTokenStore refreshTokens, GatehouseProperties properties) {
        this.users = users;
        this.lockouts = lockouts;
        this.hasher = hasher;
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.refreshTokenTtl = properties.jwt().refreshTokenTtl();
        this.lockout = properties.lockout();
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
        return lockouts.check(username, address)
                .flatMap(state -> state == LockoutStore.Lockout.NONE
                        ? Mono.just(state)
                        : Mono.error(new GrantException(429, "invalid_grant", "too many failed logins; try again within "
                        + lockout.window().toMinutes() + " minutes")))
                .then(users.find(username))
                .flatMap(user -> hasher.matches(password, user.map(UserStore.User::passwordHash).orElse(null))
                        .map(matches -> matches && user.isPresent() && !user.get().disabled()))
                .flatMap(authenticated -> authenticated
                        ? lockouts.clearUser(username).then(issue(client, username, scope))
                        : lockouts.recordFailure(username, address)
                        .then(Mono.error(GrantException.invalidGrant("invalid username or password"))));
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
