package dev.gatehouse.auth.web;

import dev.gatehouse.auth.grant.ClientAuthenticator;
import dev.gatehouse.auth.grant.GrantException;
import dev.gatehouse.auth.grant.RegisteredClient;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Mono;

/**
 * The form of an OAuth endpoint once its client is authenticated, for the WebFlux routes
 * ({@link OAuthHandler}) and the one served by Netty directly ({@link IntrospectionRoute}), so both
 * read parameters and authenticate clients by the same rules.
 */
record OAuthForm(RegisteredClient client, Map<String, String> parameters) {

    /** Far more than any OAuth request has; bounds the work a hostile body can cause. */
    static final int MAX_PARAMETERS = 64;

    /**
     * Authenticates the client of {@code form}; {@code client_secret} is taken out of the
     * parameters, so nothing downstream holds it.
     */
    static Mono<OAuthForm> authenticate(ClientAuthenticator clients, String authorization,
                                        MultiValueMap<String, String> form) {
        Map<String, String> parameters = singleValues(form);
        return clients.authenticate(authorization, parameters.get("client_id"), parameters.remove("client_secret"))
                .map(client -> new OAuthForm(client, parameters));
    }

    /** RFC 6749 §3.2: a parameter sent twice is an error, not a choice. */
    private static Map<String, String> singleValues(MultiValueMap<String, String> form) {
        Map<String, String> parameters = new HashMap<>();
        form.forEach((name, values) -> {
            if (values.size() > 1) {
                throw GrantException.invalidRequest("parameter " + name + " sent more than once");
            }
            parameters.put(name, values.get(0));
        });
        return parameters;
    }

    /**
     * An {@code application/x-www-form-urlencoded} body, decoded by Netty's own decoder: {@code +}
     * and {@code %XX} as WebFlux's form reader decodes them, {@code ;} an ordinary character, at most
     * {@value #MAX_PARAMETERS} parameters.
     */
    static MultiValueMap<String, String> parse(String body) {
        try {
            return new LinkedMultiValueMap<>(new QueryStringDecoder(body, StandardCharsets.UTF_8, false,
                    MAX_PARAMETERS, true).parameters());
        } catch (IllegalArgumentException e) {
            throw GrantException.invalidRequest("malformed form body: " + e.getMessage());
        }
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
