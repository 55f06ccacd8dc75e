package dev.gatehouse.auth.grant;

import reactor.core.publisher.Mono;

/** One OAuth 2.0 grant type of the token endpoint. */
public interface Grant {

    /** The {@code grant_type} value it answers. */
    String type();

    Mono<TokenResponse> grant(RegisteredClient client, GrantRequest request);
}
