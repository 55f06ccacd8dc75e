package dev.gatehouse.auth.web;

import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.ServerRequest;

/** The bearer token of a request's Authorization header (RFC 6750 §2.1). */
final class BearerToken {

    private BearerToken() {
    }

    /** @return the token, or null when the header is absent or not a bearer credential */
    static String of(ServerRequest request) {
        String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }
}
