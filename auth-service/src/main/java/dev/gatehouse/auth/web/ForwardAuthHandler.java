package dev.gatehouse.auth.web;

import dev.gatehouse.auth.token.InvalidTokenException;
import dev.gatehouse.auth.token.TokenValidator;
import dev.gatehouse.auth.token.VerifiedToken;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * For nginx {@code auth_request}/{@code auth-url}, Envoy {@code ext_authz} (HTTP service) and
 * Traefik {@code ForwardAuth}: any method, any path below {@code /forward-auth}; the proxy copies
 * the Authorization header. 200 with identity headers the proxy passes upstream, or 401 whose
 * reason is in {@code WWW-Authenticate}; 503 with {@code Retry-After} when Redis cannot tell
 * whether the token was revoked (fail-closed). Neither has a body unless the request accepts
 * {@code application/problem+json} by name ({@link ProblemExceptionHandler}). A claim
 * that would make an invalid header value (CR, LF, NUL, non-ASCII) is a 401, never a 500.
 */
@Component
public class ForwardAuthHandler {

    public static final String SUBJECT = "X-Auth-Subject";
    public static final String CLIENT_ID = "X-Auth-Client-Id";
    public static final String SCOPE = "X-Auth-Scope";
    public static final String TOKEN_ID = "X-Auth-Token-Id";

    static final String PATH = "/forward-auth";

    private final TokenValidator validator;

    public ForwardAuthHandler(TokenValidator validator) {
        this.validator = validator;
    }

    /** The paths {@link Routes} sends here: {@value #PATH} and everything below it. */
    static boolean serves(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    public Mono<ServerResponse> check(ServerRequest request) {
        String token = BearerToken.of(request);
        if (token == null) {
            return Mono.error(new InvalidTokenException("no bearer token"));
        }
        return validator.validate(token).flatMap(ForwardAuthHandler::allowed);
    }

    private static Mono<ServerResponse> allowed(VerifiedToken token) {
        // Checked before any header is set: Netty refuses an invalid value only when the response
        // is written, which would be a 500 (and a header injection, were it not refused).
        String invalid = firstInvalid(SUBJECT, token.subject(), TOKEN_ID, token.jti(),
                CLIENT_ID, token.clientId(), SCOPE, token.scope());
        if (invalid != null) {
            return Mono.error(new InvalidTokenException("claim for " + invalid + " is not a valid header value"));
        }
        return ServerResponse.ok().headers(headers -> {
            headers.set(SUBJECT, token.subject());
            headers.set(TOKEN_ID, token.jti());
            if (token.clientId() != null) {
                headers.set(CLIENT_ID, token.clientId());
            }
            if (token.scope() != null) {
                headers.set(SCOPE, token.scope());
            }
        }).build();
    }

    /** @param namesAndValues header name, value, …; a null value is a header not sent (but the subject and token id must be there) */
    private static String firstInvalid(String... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            String name = namesAndValues[i];
            String value = namesAndValues[i + 1];
            boolean required = name.equals(SUBJECT) || name.equals(TOKEN_ID);
            if (value == null ? required : !isHeaderValue(value)) {
                return name;
            }
        }
        return null;
    }

    /**
     * Whether {@code value} is sent as it is, and read back as it is by every proxy: visible ASCII
     * and inner spaces only (RFC 9110 §5.5 field-value, without obs-text, whose bytes proxies
     * read in different charsets, and without leading or trailing whitespace, which they strip).
     * No control character (CR, LF, NUL) ever reaches a header.
     */
    static boolean isHeaderValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return value.isEmpty() || (value.charAt(0) != ' ' && value.charAt(value.length() - 1) != ' ');
    }
}
