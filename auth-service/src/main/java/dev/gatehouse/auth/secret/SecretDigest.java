package dev.gatehouse.auth.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a secret: what is kept instead of the secret itself (refresh tokens in Redis, a
 * client secret that already matched its slow hash, the admin token), compared in constant time.
 */
public final class SecretDigest {

    private SecretDigest() {
    }

    public static byte[] of(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    public static String hex(String secret) {
        return HexFormat.of().formatHex(of(secret));
    }

    /** Constant-time: how long it takes says nothing about how much matched. */
    public static boolean matches(byte[] digest, String secret) {
        return digest != null && MessageDigest.isEqual(digest, of(secret));
    }
}
