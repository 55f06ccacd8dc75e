package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.redis.RedisPool;
import dev.gatehouse.auth.token.TokenIssuer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * RFC 6749 §4.4: the client acts for itself, so the token's subject is the client id. No refresh
 * token (§4.4.3): the client can always ask again.
 */
@Component
public class ClientCredentialsGrant implements Grant {

    private final TokenIssuer issuer;
    private final RedisPool redis;

    public ClientCredentialsGrant(TokenIssuer issuer, RedisPool redis) {
        this.issuer = issuer;
        this.redis = redis;
    }

    @Override
    public String type() {
        return "client_credentials";
    }

    /**
     * Issuing needs no Redis state, but a token issued while Redis is down would meet a 503 at
     * every fail-closed verification; one PING through the pool makes issuance answer 503 too, so
     * the client backs off instead of holding a token nobody will accept.
     *
     * <p>The token is signed before the PING, on the HTTP event loop: signed after it, the ECDSA
     * work would run on Lettuce's I/O thread, and under load a queue of signatures there delays
     * other connections' replies past the command timeout (seen in the benchmark as 503s).
     */
    @Override
    public Mono<TokenResponse> grant(RegisteredClient client, GrantRequest request) {
        String scope = client.grantedScope(request.parameter("scope"));
        TokenIssuer.IssuedToken token = issuer.issue(client.id(), client.id(), scope);
        TokenResponse response = TokenResponse.bearer(token.value(), token.expiresIn().toSeconds(), null, scope);
        return redis.execute(commands -> commands.ping()).thenReturn(response);
    }
}
