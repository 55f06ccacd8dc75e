package dev.gatehouse.auth.token;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers tokens whose signature already verified, so a client that reuses its token (as real
 * clients do) costs one ECDSA/RSA verification, not one per request. Safe because the same token
 * string under the same keys always verifies the same way, and the verifier only puts tokens in their
 * one canonical form ({@link StrictJws}: no padding, no other alphabet, zero trailing bits), so a
 * respelled token cannot be a second entry for the same token; entries are tied to the key ring's
 * fingerprint, so a removed key stops verifying at once. Bounded: when full it starts over, which
 * costs one verification per token rather than an eviction policy's bookkeeping on every hit.
 */
final class VerifiedTokenCache {

    private final int maxEntries;
    private final ConcurrentHashMap<String, VerifiedToken> entries = new ConcurrentHashMap<>();
    private volatile String fingerprint = "";

    VerifiedTokenCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    VerifiedToken get(String token, String keysFingerprint) {
        if (maxEntries == 0) {
            return null;
        }
        if (!keysFingerprint.equals(fingerprint)) {
            entries.clear();
            fingerprint = keysFingerprint;
            return null;
        }
        return entries.get(token);
    }

    void put(String token, String keysFingerprint, VerifiedToken verified) {
        if (maxEntries == 0 || !keysFingerprint.equals(fingerprint)) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(token, verified);
    }
}
