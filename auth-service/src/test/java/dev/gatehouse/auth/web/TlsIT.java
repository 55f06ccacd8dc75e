package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTPS from a mounted {@code kubernetes.io/tls} Secret ({@code gatehouse.tls.dir}), and its renewal
 * the way the kubelet delivers it: an atomic swap of the volume's {@code ..data} link. The service
 * must take the new certificate for new connections without a restart, and drop no request while
 * it does. The files are polled every second here (10 s by default).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsIT {

    private static final Duration RELOAD = Duration.ofSeconds(20);
    private static final TlsFiles tls = new TlsFiles(temporaryDirectory());
    private static final Path first = tls.issue("first", true);

    static {
        tls.publish(first);
    }

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension()
            .with("gatehouse.tls.dir", tls.mounted().toString())
            .with("gatehouse.tls.reload-interval", "1s");

    @Test
    @Order(1)
    void servesHttpsWithTheMountedCertificate() throws Exception {
        assertThat(servedCertificate()).isEqualTo(TlsFiles.certificate(first));
        HttpResponse<String> jwks = keptAliveClient().send(
                HttpRequest.newBuilder(uri("/.well-known/jwks.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(jwks.statusCode()).isEqualTo(200);
        assertThat(jwks.body()).contains("\"keys\"");
    }

    @Test
    @Order(2)
    void plainHttpOnTheTlsPortGetsNoAnswer() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", service.port()), 2_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(answer).doesNotStartWith("HTTP/1.1 2");
        } catch (IOException closed) {
            // A reset or a close is the other acceptable answer: nothing was served in plain text.
        }
    }

    @Test
    @Order(3)
    void aRenewalIsServedWithoutARestartAndDropsNoRequest() throws Exception {
        Path second = tls.issue("second", false);
        HttpClient keptAlive = keptAliveClient();
        ConcurrentLinkedQueue<String> failed = new ConcurrentLinkedQueue<>();
        AtomicInteger fresh = new AtomicInteger();
        AtomicInteger reused = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread newConnections = new Thread(() -> {
            while (running.get()) {
                try {
                    assertThat(freshConnectionStatus()).isEqualTo(200);
                    fresh.incrementAndGet();
                } catch (Throwable e) {
                    failed.add("new connection: " + e);
                }
            }
        });
        Thread oneConnection = new Thread(() -> {
            while (running.get()) {
                try {
                    HttpResponse<Void> response = keptAlive.send(
                            HttpRequest.newBuilder(uri("/actuator/health/liveness")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    assertThat(response.statusCode()).isEqualTo(200);
                    reused.incrementAndGet();
                } catch (Throwable e) {
                    failed.add("kept-alive connection: " + e);
                }
            }
        });
        newConnections.start();
        oneConnection.start();
        try {
            tls.publish(second);
            await().atMost(RELOAD).pollInterval(Duration.ofMillis(250))
                    .until(() -> servedCertificate().equals(TlsFiles.certificate(second)));
            Thread.sleep(1_000);
        } finally {
            running.set(false);
            newConnections.join();
            oneConnection.join();
        }
        assertThat(failed).isEmpty();
        assertThat(fresh.get()).as("requests on new connections").isPositive();
        assertThat(reused.get()).as("requests on the kept-alive connection").isPositive();
    }

    /**
     * A renewal whose key does not belong to its certificate (a hand-edited Secret, a half-written
     * one): the service keeps what it serves, rather than a certificate no client could verify.
     */
    @Test
    @Order(4)
    void aMismatchedRenewalKeepsTheCertificateServed() throws Exception {
        X509Certificate serving = servedCertificate();
        Path third = tls.issue("third", true);
        Path fourth = tls.issue("fourth", true);
        tls.publish(third.resolve("tls.crt"), fourth.resolve("tls.key"));
        Thread.sleep(4_000); // four polls
        assertThat(servedCertificate()).isEqualTo(serving);
        assertThat(freshConnectionStatus()).isEqualTo(200);

        tls.publish(fourth);
        await().atMost(RELOAD).pollInterval(Duration.ofMillis(250))
                .until(() -> servedCertificate().equals(TlsFiles.certificate(fourth)));
    }

    private static X509Certificate servedCertificate() throws IOException {
        try (SSLSocket socket = handshake()) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static int freshConnectionStatus() throws IOException {
        try (SSLSocket socket = handshake()) {
            socket.getOutputStream().write(("GET /actuator/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    private static SSLSocket handshake() throws IOException {
        SSLSocket socket = (SSLSocket) tls.clientContext().getSocketFactory().createSocket();
        socket.connect(new InetSocketAddress("127.0.0.1", service.port()), 2_000);
        socket.setSoTimeout(5_000);
        socket.startHandshake();
        return socket;
    }

    private static HttpClient keptAliveClient() {
        return HttpClient.newBuilder().sslContext(tls.clientContext()).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static URI uri(String path) {
        return URI.create("https://127.0.0.1:" + service.port() + path);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("gatehouse-tls");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
