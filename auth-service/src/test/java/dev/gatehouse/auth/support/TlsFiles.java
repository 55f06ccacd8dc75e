package dev.gatehouse.auth.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made by the real {@code openssl}, laid out as the kubelet lays out a mounted
 * {@code kubernetes.io/tls} Secret: {@code tls.crt -> ..data/tls.crt}, {@code ..data -> ..<version>},
 * and a renewal swaps {@code ..data} atomically (a new link renamed over the old one) and then
 * deletes the old version's directory, as the kubelet's AtomicWriter does.
 */
public final class TlsFiles {

    private final Path work;
    private final Path mounted;
    private int version;

    /** A test CA in {@code work}; the Secret volume is {@code work/mounted}, empty until {@link #publish}. */
    public TlsFiles(Path work) {
        this.work = work;
        this.mounted = work.resolve("mounted");
        try {
            Files.createDirectories(mounted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=gatehouse test CA");
    }

    /** The CA's certificate, PEM: what a client that trusts this CA is given. */
    public Path caCertificate() {
        return work.resolve("ca.crt");
    }

    /** The directory the service reads, as a pod sees its Secret volume. */
    public Path mounted() {
        return mounted;
    }

    /**
     * A new key and a certificate for 127.0.0.1 signed by the CA, {@code tls.key} in SEC1 form
     * ({@code BEGIN EC PRIVATE KEY}, what cert-manager writes by default) or PKCS#8.
     *
     * @return the directory holding {@code tls.crt} and {@code tls.key}, not yet published
     */
    public Path issue(String name, boolean pkcs8) {
        return issue(name, pkcs8, "IP:127.0.0.1,DNS:localhost");
    }

    /** As {@link #issue(String, boolean)}, for these subject alternative names ({@code DNS:a,IP:b}). */
    public Path issue(String name, boolean pkcs8, String subjectAltNames) {
        Path dir = work.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name + "/ec.key");
        if (pkcs8) {
            openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + "/ec.key", "-out", name + "/tls.key");
        } else {
            copy(dir.resolve("ec.key"), dir.resolve("tls.key"));
        }
        openssl("req", "-new", "-key", name + "/ec.key", "-out", name + "/tls.csr", "-subj", "/CN=" + name);
        try {
            Files.writeString(dir.resolve("san.ext"), "subjectAltName=" + subjectAltNames + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("x509", "-req", "-in", name + "/tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "1", "-extfile", name + "/san.ext", "-out", name + "/tls.crt");
        return dir;
    }

    /** Publishes {@code tls.crt} and {@code tls.key} of {@code issued} into the volume, as one atomic swap. */
    public void publish(Path issued) {
        publish(issued.resolve("tls.crt"), issued.resolve("tls.key"));
    }

    /** Publishes a certificate and a key that need not belong together (a botched renewal). */
    public void publish(Path certificate, Path key) {
        try {
            Path next = mounted.resolve("..v" + (++version));
            Files.createDirectories(next);
            copy(certificate, next.resolve("tls.crt"));
            copy(key, next.resolve("tls.key"));
            Path data = mounted.resolve("..data");
            Path previous = Files.isSymbolicLink(data) ? mounted.resolve(Files.readSymbolicLink(data)) : null;
            Path link = mounted.resolve("..data_tmp");
            Files.createSymbolicLink(link, next.getFileName());
            Files.move(link, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (String file : List.of("tls.crt", "tls.key")) {
                Path user = mounted.resolve(file);
                if (!Files.isSymbolicLink(user)) {
                    Files.createSymbolicLink(user, Path.of("..data", file));
                }
            }
            if (previous != null) {
                for (String file : List.of("tls.crt", "tls.key")) {
                    Files.delete(previous.resolve(file));
                }
                Files.delete(previous);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The certificate in {@code issued}. */
    public static X509Certificate certificate(Path issued) {
        try (InputStream in = Files.newInputStream(issued.resolve("tls.crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context that trusts this CA only. */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(work.resolve("ca.crt"))) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void openssl(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
