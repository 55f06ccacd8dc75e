package dev.gatehouse.auth.token;

import java.time.Instant;
import java.util.Set;

/** The claims of an access token whose signature and claims checked out. */
public record VerifiedToken(String subject, String clientId, String scope, String jti, String issuer,
                            Set<String> audience, Instant issuedAt, Instant notBefore, Instant expiresAt) {
}
