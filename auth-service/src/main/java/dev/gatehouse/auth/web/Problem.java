package dev.gatehouse.auth.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem details body. {@code type} URIs are stable identifiers of the kind of
 * problem (docs/auth-service.md lists them); OAuth endpoints add RFC 6749's {@code error} code so
 * OAuth client libraries find what they look for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String error) {

    static final String TYPE_BASE = "https://gatehouse.dev/problems/";

    static Problem of(int status, String slug, String title, String detail, String instance) {
        return new Problem(TYPE_BASE + slug, title, status, detail, instance, null);
    }

    Problem withError(String oauthError) {
        return new Problem(type, title, status, detail, instance, oauthError);
    }
}
