package dev.gatehouse.auth.token;

/** A bearer token that must be refused (401); the message says why and is safe to show the caller. */
public class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String message) {
        super(message, null, false, false);
    }
}
