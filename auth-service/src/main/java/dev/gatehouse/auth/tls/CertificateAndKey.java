package dev.gatehouse.auth.tls;

import dev.gatehouse.tls.InvalidTlsPair;
import dev.gatehouse.tls.TlsPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStore;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;

/**
 * The {@code tls.crt} and {@code tls.key} of one read of the mounted directory, checked to belong
 * together by the check the operator judges the Secret with ({@link TlsPair}). Spring Boot's own PEM
 * bundle loads a key that does not match its certificate, and then every handshake fails: one
 * botched renewal would take the whole auth tier off the air.
 */
record CertificateAndKey(byte[] certificatePem, byte[] keyPem, X509Certificate leaf, SslBundle bundle) {

    static CertificateAndKey read(Path dir) throws InvalidTlsFiles {
        byte[] certificatePem = readFile(dir.resolve(TlsPair.CERTIFICATE_FILE));
        byte[] keyPem = readFile(dir.resolve(TlsPair.KEY_FILE));
        TlsPair pair;
        try {
            pair = TlsPair.read(certificatePem, keyPem);
        } catch (InvalidTlsPair e) {
            throw new InvalidTlsFiles(dir.resolve(e.file()) + " " + e.problem());
        }
        // The bundle serves exactly the chain and key just checked, not a second reading of the files.
        return new CertificateAndKey(certificatePem, keyPem, pair.leaf(),
                SslBundle.of(new PemSslStoreBundle(PemSslStore.of(pair.chain(), pair.key()), null)));
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

    /** Files that cannot be served; the message names the file and never quotes its content. */
    static final class InvalidTlsFiles extends Exception {
        InvalidTlsFiles(String message) {
            super(message);
        }
    }
}
