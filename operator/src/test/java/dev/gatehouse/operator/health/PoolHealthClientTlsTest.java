package dev.gatehouse.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pod with spec.tls answers /health/redis over HTTPS with a certificate for its Service's name,
 * not for the address the observer asks: the observer still reads it, and still reads plain HTTP
 * pods. The certificate and body are the contracts' samples.
 */
class PoolHealthClientTlsTest {

  private static final Path CONTRACTS = Path.of(System.getProperty("gatehouse.contracts.dir"));
  private HttpsServer server;

  @BeforeEach
  void serveHttps() throws Exception {
    byte[] body = Files.readAllBytes(CONTRACTS.resolve("health-redis/healthy.json"));
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(CONTRACTS.resolve("tls/valid-ec-pkcs8"))));
    server.createContext(PoolHealthClient.PATH, exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void readsAPodThatServesHttpsWithACertificateForItsServiceName() throws Exception {
    PoolHealthClient client = new PoolHealthClient(Duration.ofSeconds(5), 4);

    Optional<PodPoolReport> report =
        client.fetch("127.0.0.1", server.getAddress().getPort(), true).get();

    assertThat(report).hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PoolState.HEALTHY));
  }

  @Test
  void plainHttpToAnHttpsPodIsNoReport() throws Exception {
    PoolHealthClient client = new PoolHealthClient(Duration.ofSeconds(2), 4);

    assertThat(client.fetch("127.0.0.1", server.getAddress().getPort(), false).get()).isEmpty();
  }

  private static SSLContext serverContext(Path tls) throws Exception {
    String pem = Files.readString(tls.resolve("tls.key"));
    String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    PrivateKey key = KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    Certificate certificate;
    try (InputStream in = Files.newInputStream(tls.resolve("tls.crt"))) {
      certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("pod", key, new char[0], new Certificate[] {certificate});
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, new char[0]);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
