package dev.gatehouse.auth.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * The {@code tls.crt} and {@code tls.key} of one read of the mounted directory, checked to belong
 * together. Spring Boot's own PEM bundle loads a key that does not match its certificate, and then
 * every handshake fails: one botched renewal would take the whole auth tier off the air.
 */
record CertificateAndKey(byte[] certificatePem, byte[] keyPem, X509Certificate leaf, SslBundle bundle) {

    static CertificateAndKey read(Path dir) throws InvalidTlsFiles {
        byte[] certificatePem = readFile(dir.resolve("tls.crt"));
        byte[] keyPem = readFile(dir.resolve("tls.key"));
        PemSslStore store;
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            // Boot reads the PEM lazily: its errors come from these accessors, not from load().
            store = PemSslStore.load(new PemSslStoreDetails(null, new String(certificatePem, StandardCharsets.US_ASCII),
                    new String(keyPem, StandardCharsets.US_ASCII)));
            chain = store == null ? null : store.certificates();
            key = store == null ? null : store.privateKey();
        } catch (RuntimeException e) {
            // Boot's messages name what is missing or unreadable; they never quote key material.
            throw new InvalidTlsFiles("tls.crt or tls.key in " + dir + " is not valid PEM: " + e.getMessage());
        }
        if (chain == null || chain.isEmpty()) {
            throw new InvalidTlsFiles(dir.resolve("tls.crt") + " holds no certificate");
        }
        if (key == null) {
            throw new InvalidTlsFiles(dir.resolve("tls.key") + " holds no private key");
        }
        X509Certificate leaf = chain.get(0);
        if (!belongTogether(leaf, key)) {
            throw new InvalidTlsFiles("the key in " + dir.resolve("tls.key") + " does not belong to the first"
                    + " certificate of tls.crt (" + leaf.getSubjectX500Principal().getName() + ")");
        }
        return new CertificateAndKey(certificatePem, keyPem, leaf, SslBundle.of(new PemSslStoreBundle(store, null)));
    }

    /** True when both files hold what this pair was read from. */
    boolean sameFiles(byte[] otherCertificatePem, byte[] otherKeyPem) {
        return Arrays.equals(certificatePem, otherCertificatePem) && Arrays.equals(keyPem, otherKeyPem);
    }

    static byte[] readFile(Path file) throws InvalidTlsFiles {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new InvalidTlsFiles(file + " does not exist: mount a kubernetes.io/tls Secret there");
        } catch (IOException e) {
            throw new InvalidTlsFiles(file + " cannot be read: " + e.getMessage());
        }
    }

    /** Signs a random challenge with the key and verifies it with the certificate's public key. */
    private static boolean belongTogether(X509Certificate certificate, PrivateKey key) throws InvalidTlsFiles {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new InvalidTlsFiles("tls.key holds a " + key.getAlgorithm()
                    + " key; the service serves EC, RSA and Ed25519 keys");
        };
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Files that cannot be served; the message names the file and never quotes its content. */
    static final class InvalidTlsFiles extends Exception {
        InvalidTlsFiles(String message) {
            super(message);
        }
    }
}
