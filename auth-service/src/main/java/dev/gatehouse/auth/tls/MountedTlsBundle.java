package dev.gatehouse.auth.tls;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.tls.CertificateAndKey.InvalidTlsFiles;
import dev.gatehouse.tls.TlsPair;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.ssl.SslBundleRegistrar;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The server's certificate, from the mounted {@code kubernetes.io/tls} Secret, followed through
 * renewals: every {@code gatehouse.tls.reload-interval} the files are read again, and a changed pair
 * that belongs together replaces the bundle, which Netty uses from the next handshake on
 * (connections already open keep theirs). Polling, not a file watcher: a Secret volume changes by
 * swapping a symlink, and the JWT keys beside it are followed the same way (KeyRing).
 *
 * <p>A start with files that cannot be served fails, naming the file. A renewal that cannot be
 * served (a key of another certificate, a half-edited Secret) is refused with a warning, and the
 * certificate in use stays: clients keep connecting until it expires.
 */
@Component
@ConditionalOnProperty(MountedTlsBundle.DIR_PROPERTY)
public class MountedTlsBundle implements SslBundleRegistrar {

    static final String BUNDLE = "gatehouse-tls";
    static final String DIR_PROPERTY = "gatehouse.tls.dir";
    private static final Logger log = LoggerFactory.getLogger(MountedTlsBundle.class);

    private final Path dir;
    private volatile SslBundleRegistry registry;
    private volatile CertificateAndKey serving;
    /** The refused pair, so that one bad renewal is warned about once, not on every poll. */
    private volatile CertificateAndKey refusedFiles;
    private volatile String refusedReason;

    public MountedTlsBundle(GatehouseProperties properties) {
        this.dir = properties.tls().dir();
    }

    @Override
    public void registerBundles(SslBundleRegistry registry) {
        try {
            serving = CertificateAndKey.read(dir);
        } catch (InvalidTlsFiles e) {
            throw new IllegalStateException("gatehouse.tls.dir: " + e.getMessage());
        }
        this.registry = registry;
        registry.registerBundle(BUNDLE, serving.bundle());
        log.info("serving HTTPS with {}", describe(serving));
    }

    @Scheduled(fixedDelayString = "${gatehouse.tls.reload-interval:10s}",
            initialDelayString = "${gatehouse.tls.reload-interval:10s}")
    public void reload() {
        if (registry == null) {
            return;
        }
        byte[] certificatePem;
        byte[] keyPem;
        try {
            certificatePem = CertificateAndKey.readFile(dir.resolve(TlsPair.CERTIFICATE_FILE));
            keyPem = CertificateAndKey.readFile(dir.resolve(TlsPair.KEY_FILE));
        } catch (InvalidTlsFiles e) {
            refuse(null, e.getMessage());
            return;
        }
        if (serving.sameFiles(certificatePem, keyPem)) {
            return;
        }
        try {
            CertificateAndKey renewed = CertificateAndKey.read(dir);
            registry.updateBundle(BUNDLE, renewed.bundle());
            serving = renewed;
            refusedFiles = null;
            refusedReason = null;
            log.info("renewed: serving HTTPS with {}", describe(renewed));
        } catch (InvalidTlsFiles e) {
            refuse(new CertificateAndKey(certificatePem, keyPem, null, null), e.getMessage());
        }
    }

    private void refuse(CertificateAndKey files, String reason) {
        boolean seen = reason.equals(refusedReason)
                && (files == null ? refusedFiles == null
                        : refusedFiles != null && refusedFiles.sameFiles(files.certificatePem(), files.keyPem()));
        if (!seen) {
            log.warn("TLS files not taken, still serving {}: {}", describe(serving), reason);
        }
        refusedFiles = files;
        refusedReason = reason;
    }

    private static String describe(CertificateAndKey pair) {
        return "the certificate for " + pair.leaf().getSubjectX500Principal().getName()
                + " (serial " + pair.leaf().getSerialNumber().toString(16) + ", valid until " + pair.leaf().getNotAfter().toInstant() + ")";
    }
}
