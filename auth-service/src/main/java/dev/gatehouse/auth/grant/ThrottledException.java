package dev.gatehouse.auth.grant;

/**
 * A refused attempt: the user, the caller's address or the client has used up its attempts for
 * the current window. Answered 429 with {@code Retry-After}, whatever the credential.
 */
public class ThrottledException extends GrantException {

    private final long retryAfterSeconds;

    public ThrottledException(String error, String description, long retryAfterSeconds) {
        super(429, error, description);
        this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** Whole seconds until the window that refused the attempt ends (at least 1). */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
