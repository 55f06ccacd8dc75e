package dev.gatehouse.auth.token;

import dev.gatehouse.auth.config.JwtAlgorithm;
import io.jsonwebtoken.security.Jwks;
import io.jsonwebtoken.security.Keys;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * Reads the entries of the signing-key Secret (docs/auth-service-contract.md): PKCS#8 PEM private
 * keys for ES256/RS256, raw secrets for HS256. Each read checks the key fits the one configured
 * algorithm, so a wrong key type is a start-up error rather than a run-time surprise.
 */
final class KeyFiles {

    /** Order of the P-256 group: the only EC curve ES256 allows. */
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private KeyFiles() {
    }

    static String extension(JwtAlgorithm algorithm) {
        return algorithm == JwtAlgorithm.HS256 ? ".hmac" : ".pem";
    }

    /** The key pair of a PEM entry: the private key signs, the derived public key verifies. */
    static KeyPairEntry readPem(String kid, String pem, JwtAlgorithm algorithm) {
        if (pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException("key " + kid + " is not PKCS#8: convert it with `openssl pkcs8 -topk8 -nocrypt`");
        }
        return switch (algorithm) {
            case ES256 -> ecKeyPair(kid, decode(kid, pem, "EC"));
            case RS256 -> rsaKeyPair(kid, decode(kid, pem, "RSA"));
            case HS256 -> throw new IllegalArgumentException("HS256 keys are .hmac entries, not " + kid + ".pem");
        };
    }

    private static PrivateKey decode(String kid, String pem, String keyAlgorithm) {
        String base64 = pem.replaceAll("-----BEGIN PRIVATE KEY-----|-----END PRIVATE KEY-----|\\s", "");
        try {
            return KeyFactory.getInstance(keyAlgorithm)
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("key " + kid + " is not a PKCS#8 " + keyAlgorithm + " private key", e);
        }
    }

    private static KeyPairEntry ecKeyPair(String kid, PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec) || !P256_ORDER.equals(ec.getParams().getOrder())) {
            throw new IllegalArgumentException("key " + kid + " is not on curve P-256, which ES256 requires");
        }
        // The operator mounts only the private key; jjwt derives the public point d·G from it.
        PublicKey publicKey = Jwks.builder().key(ec).build().toPublicJwk().toKey();
        return new KeyPairEntry(ec, publicKey);
    }

    private static KeyPairEntry rsaKeyPair(String kid, PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey rsa) || rsa.getModulus().bitLength() < 2048) {
            throw new IllegalArgumentException("key " + kid + " is not an RSA key of at least 2048 bits");
        }
        try {
            PublicKey publicKey = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
            return new KeyPairEntry(rsa, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key " + kid + ": cannot derive its RSA public key", e);
        }
    }

    static KeyPairEntry readHmac(String kid, byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("HMAC key " + kid + " is shorter than 32 bytes");
        }
        Key key = Keys.hmacShaKeyFor(secret);
        return new KeyPairEntry(key, key);
    }

    /** For HS256 both halves are the same secret. */
    record KeyPairEntry(Key signingKey, Key verificationKey) {
    }
}
