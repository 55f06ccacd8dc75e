package dev.gatehouse.auth.grant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 6749 §5.1; written in snake_case, without a refresh_token when none is issued. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenResponse(String accessToken, String tokenType, long expiresIn, String refreshToken, String scope) {

    public static TokenResponse bearer(String accessToken, long expiresIn, String refreshToken, String scope) {
        return new TokenResponse(accessToken, "Bearer", expiresIn, refreshToken, scope == null || scope.isEmpty() ? null : scope);
    }

    @Override
    public String toString() {
        return "TokenResponse[expiresIn=" + expiresIn + ", scope=" + scope + "]";
    }
}
