package dev.gatehouse.auth.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An RFC 9457 problem details body. {@code type} URIs are stable identifiers of the kind of
 * problem (docs/auth-service.md lists them). On the OAuth endpoints (token, revoke, introspect)
 * the same body also carries RFC 6749 §5.2's {@code error} and {@code error_description} and is
 * served as {@code application/json} ({@link Problems#oauth}), so OAuth client libraries and
 * problem-details clients read one body.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String error,
                      @JsonProperty("error_description") String errorDescription) {

    static final String TYPE_BASE = "https://gatehouse.dev/problems/";

    static Problem of(int status, String slug, String title, String detail, String instance) {
        return new Problem(TYPE_BASE + slug, title, status, detail, instance, null, null);
    }

    Problem withError(String oauthError) {
        return new Problem(type, title, status, detail, instance, oauthError, errorDescription);
    }

    Problem withErrorDescription(String description) {
        return new Problem(type, title, status, detail, instance, error, description);
    }
}
