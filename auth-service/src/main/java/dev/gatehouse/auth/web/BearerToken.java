package dev.gatehouse.auth.web;

import dev.gatehouse.auth.token.InvalidTokenException;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

/** The bearer token of a request's Authorization header (RFC 6750 §2.1). */
final class BearerToken {

    private BearerToken() {
    }

    /**
     * @return the token, or null when the header is absent or not a bearer credential
     * @throws InvalidTokenException when there is more than one Authorization header: which one a
     *         proxy or the caller meant is anybody's guess, so neither is used
     */
    static String of(ServerRequest request) {
        List<String> values = request.headers().header(HttpHeaders.AUTHORIZATION);
        if (values.size() > 1) {
            throw new InvalidTokenException("more than one Authorization header");
        }
        String authorization = values.isEmpty() ? null : values.get(0);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }
}
