package dev.gatehouse.auth.web;

import dev.gatehouse.auth.grant.ClientAuthenticator;
import dev.gatehouse.auth.grant.FormUrlEncoding;
import dev.gatehouse.auth.grant.GrantException;
import dev.gatehouse.auth.grant.RegisteredClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;

/**
 * The form of an OAuth endpoint once its client is authenticated, for the WebFlux routes
 * ({@link OAuthHandler}) and the one served by Netty directly ({@link IntrospectionRoute}), so both
 * read parameters and authenticate clients by the same rules.
 *
 * <p>Both read the body with {@link #parse}, not WebFlux's form reader: that one throws
 * {@link IllegalArgumentException} (a 500) on a malformed escape, replaces invalid UTF-8, honours
 * any charset the client names and keeps duplicate parameters. Every malformation here is a 400
 * {@code invalid_request} whose message quotes nothing of the body, which holds passwords and tokens.
 */
record OAuthForm(RegisteredClient client, Map<String, String> parameters) {

    /** Far more than any OAuth request has; bounds the work a hostile body can cause. */
    static final int MAX_PARAMETERS = 64;

    /**
     * Authenticates the client of {@code parameters} (a mutable map from {@link #parse});
     * {@code client_secret} is taken out of the parameters, so nothing downstream holds it.
     *
     * @param mayFailOpen see {@link ClientAuthenticator#authenticate}
     */
    static Mono<OAuthForm> authenticate(ClientAuthenticator clients, String authorization,
                                        Map<String, String> parameters, boolean mayFailOpen) {
        return clients.authenticate(authorization, parameters.get("client_id"), parameters.remove("client_secret"),
                        mayFailOpen)
                .map(client -> new OAuthForm(client, parameters));
    }

    /**
     * The one Authorization header of a request, or null. Two are refused: which one a proxy or
     * a client library looked at is anybody's guess.
     */
    static String authorization(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw GrantException.invalidRequest("more than one Authorization header");
        }
        return values.get(0);
    }

    /**
     * The parameters of a request body (RFC 6749 §3.2, §2.3.1): {@code application/x-www-form-urlencoded}
     * in UTF-8 ({@code charset}, if given, must say so); a body of no content type only if it is
     * empty. {@code +} and {@code %XX} are decoded, the decoded bytes must be UTF-8, a parameter
     * sent twice is an error, not a choice, and there are at most {@value #MAX_PARAMETERS}.
     *
     * @return a mutable map in the order of the body
     */
    static Map<String, String> parse(String contentType, byte[] body) {
        if (contentType == null) {
            if (body.length > 0) {
                throw GrantException.invalidRequest("Content-Type application/x-www-form-urlencoded required");
            }
            return new LinkedHashMap<>();
        }
        checkContentType(contentType);
        Map<String, String> parameters = new LinkedHashMap<>();
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (end > start) {
                int equals = indexOf(body, (byte) '=', start);
                int nameEnd = Math.min(equals, end);
                if (nameEnd == start) {
                    throw GrantException.invalidRequest("malformed form body: a parameter without a name");
                }
                if (parameters.size() == MAX_PARAMETERS) {
                    throw GrantException.invalidRequest("more than " + MAX_PARAMETERS + " parameters");
                }
                try {
                    String name = FormUrlEncoding.decode(body, start, nameEnd);
                    String value = nameEnd < end ? FormUrlEncoding.decode(body, nameEnd + 1, end) : "";
                    if (parameters.putIfAbsent(name, value) != null) {
                        throw GrantException.invalidRequest("parameter " + printable(name) + " sent more than once");
                    }
                } catch (FormUrlEncoding.Malformed e) {
                    throw GrantException.invalidRequest("malformed form body: " + e.getMessage());
                }
            }
            start = end + 1;
        }
        return parameters;
    }

    private static void checkContentType(String contentType) {
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (RuntimeException e) {
            // InvalidMediaTypeException, or whatever a hostile charset parameter makes Charset throw.
            throw GrantException.invalidRequest("unreadable Content-Type");
        }
        if (!MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(type)) {
            throw GrantException.invalidRequest("Content-Type application/x-www-form-urlencoded required");
        }
        String charset = type.getParameter("charset");
        if (charset != null && !StandardCharsets.UTF_8.name().equalsIgnoreCase(charset.replace("\"", ""))) {
            throw GrantException.invalidRequest("form bodies must be UTF-8");
        }
    }

    private static int indexOf(byte[] bytes, byte wanted, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return bytes.length;
    }

    /** A parameter name fit to quote in an error: names are ours to quote, values never are. */
    private static String printable(String name) {
        return name.length() <= 40 && name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')
                ? name : "(unprintable name)";
    }

    String requiredToken() {
        String token = parameters.get("token");
        if (token == null || token.isEmpty()) {
            throw GrantException.invalidRequest("parameter token is required");
        }
        return token;
    }

    /** For tests and logs: never the parameters, which hold tokens. */
    @Override
    public String toString() {
        return "OAuthForm[" + client.id() + ", " + List.copyOf(parameters.keySet()) + "]";
    }
}
