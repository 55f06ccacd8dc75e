package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.token.TokenIssuer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * RFC 6749 §4.4: the client acts for itself, so the token's subject is the client id. No refresh
 * token (§4.4.3): the client can always ask again.
 */
@Component
public class ClientCredentialsGrant implements Grant {

    private final TokenIssuer issuer;

    public ClientCredentialsGrant(TokenIssuer issuer) {
        this.issuer = issuer;
    }

    @Override
    public String type() {
        return "client_credentials";
    }

    /**
     * Issuing needs no Redis state, but a token issued while Redis is down would meet a 503 at
     * every fail-closed verification, so issuance answers 503 too and the client backs off instead
     * of holding a token nobody will accept. No command of its own does that: the client was just
     * authenticated for the token endpoint, whose client checks fail closed under every policy
     * ({@link dev.gatehouse.auth.grant.ClientAuthenticator#authenticate}), so Redis answered for this
     * request. A PING of its own was a pooled round trip per token, a large share of issuance's CPU
     * (docs/benchmarks.md, issue 12); {@code RedisOutageIT} and {@code FailOpenPolicyIT} hold the 503.
     *
     * <p>The token is signed on the parallel scheduler: the client check's answer arrives on
     * Lettuce's I/O thread, and a batch of signatures run there delays other connections' Redis
     * replies past the command timeout (seen in the benchmark as 503s).
     */
    @Override
    public Mono<TokenResponse> grant(RegisteredClient client, GrantRequest request) {
        String scope = client.grantedScope(request.parameter("scope"));
        return Mono.fromCallable(() -> {
            TokenIssuer.IssuedToken token = issuer.issue(client.id(), client.id(), scope);
            return TokenResponse.bearer(token.value(), token.expiresIn().toSeconds(), null, scope);
        }).subscribeOn(Schedulers.parallel());
    }
}
