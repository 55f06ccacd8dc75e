package dev.gatehouse.auth.redis;

/** Redis could not serve a request in time: the caller answers 503, never hangs or 500s. */
public class RedisUnavailableException extends RuntimeException {

    public RedisUnavailableException(String message) {
        super(message);
    }

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
