package dev.gatehouse.auth.grant;

/**
 * An OAuth 2.0 error of the token, revocation or introspection endpoints (RFC 6749 §5.2):
 * {@code error} is the RFC's code, {@code status} the HTTP status it is answered with.
 */
public class GrantException extends RuntimeException {

    private final int status;
    private final String error;

    public GrantException(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static GrantException invalidRequest(String description) {
        return new GrantException(400, "invalid_request", description);
    }

    public static GrantException invalidClient(String description) {
        return new GrantException(401, "invalid_client", description);
    }

    public static GrantException invalidGrant(String description) {
        return new GrantException(400, "invalid_grant", description);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
