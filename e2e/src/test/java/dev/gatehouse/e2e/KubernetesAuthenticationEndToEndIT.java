package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.e2e.ClusterInABox.KubectlResult;
import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.ConditionTypes;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.api.v1alpha1.TlsSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster in a box's own kube-apiserver takes Gatehouse as a JWT issuer (structured
 * authentication, over HTTPS with OIDC discovery), so `kubectl` users log in with Gatehouse
 * tokens. The AuthService serves HTTPS from a kubernetes.io/tls Secret (spec.tls) made by the real
 * openssl; the issuer's address is a loopback port proxied to a ready auth pod, the part a Service
 * and kube-proxy play in a real cluster (the box has neither DNS nor kube-proxy).
 */
class KubernetesAuthenticationEndToEndIT {

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  private static final Duration ROLL_OUT = Duration.ofMinutes(4);
  /** The API server notices the file at once (inotify), then fetches discovery and the JWKS. */
  private static final Duration AUTHENTICATOR_READY = Duration.ofMinutes(2);
  private static final String AUDIENCE = "kubernetes";
  private static final String NAME = "auth";

  @Test
  void kubectlUsersAuthenticateWithGatehouseTokensThroughTheApiServersJwtAuthenticator(@TempDir Path work)
      throws Exception {
    String ns = cluster.newNamespace("kube-authn");
    int port = LoopbackPorts.free();
    String issuer = "https://127.0.0.1:" + port;
    openssl(work, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=e2e CA");
    issueCertificate(work, "first", ns);
    cluster.client().secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("auth-tls").endMetadata()
        .withType("kubernetes.io/tls")
        .withData(tlsData(work.resolve("first")))
        .build()).create();
    OAuthClient oauth = cluster.createMinimalAuthService(ns, 1, authService -> {
      authService.getSpec().getJwt().setIssuer(issuer);
      authService.getSpec().getJwt().setAudiences(List.of(AUDIENCE));
      authService.getSpec().setTls(new TlsSpec(new SecretReference("auth-tls")));
    });
    Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
    // The operator's pool-health poll reaches the HTTPS pods too (30 s interval by default).
    await("RedisPoolHealthy=True").atMost(Duration.ofSeconds(60)).until(() -> Conditions
        .find(cluster.authService(ns, NAME), ConditionTypes.REDIS_POOL_HEALTHY)
        .map(c -> "True".equals(c.getStatus())).orElse(false));

    HttpClient https = HttpClient.newBuilder().sslContext(trusting(work.resolve("ca.crt")))
        .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
    try (ServiceProxy service = ServiceProxy.start("e2e-issuer", "127.0.0.1", port, () -> readyAuthPod(ns))) {
      HttpResponse<String> discovery = https.send(HttpRequest.newBuilder(
          URI.create(issuer + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(discovery.statusCode()).isEqualTo(200);
      assertThat(discovery.body()).contains("\"issuer\":\"" + issuer + "\"");
      String token = AuthApi.tokens(https.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
          .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
              (oauth.id() + ":" + oauth.secret()).getBytes(StandardCharsets.UTF_8)))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
          HttpResponse.BodyHandlers.ofString())).access();

      assertThat(cluster.kubectlWithToken(token, "auth", "whoami").output())
          .as("before the API server knows the issuer").contains("Unauthorized");

      Files.writeString(cluster.authenticationConfig(), """
          apiVersion: apiserver.config.k8s.io/v1beta1
          kind: AuthenticationConfiguration
          jwt:
          - issuer:
              url: %s
              audiences: [%s]
              certificateAuthority: |
          %s
            claimMappings:
              username:
                claim: sub
                prefix: "gatehouse:"
          """.formatted(issuer, AUDIENCE, Files.readString(work.resolve("ca.crt")).indent(8).stripTrailing()));
      try {
        await("kubectl auth whoami as the Gatehouse client").atMost(AUTHENTICATOR_READY)
            .pollInterval(Duration.ofSeconds(2))
            .untilAsserted(() -> {
              KubectlResult whoami = cluster.kubectlWithToken(token, "auth", "whoami",
                  "-o", "jsonpath={.status.userInfo.username}");
              assertThat(whoami.exitCode()).as(whoami.output()).isZero();
              assertThat(whoami.output()).isEqualTo("gatehouse:" + oauth.id());
            });

        String[] segments = token.split("\\.");
        String forged = segments[0] + "." + segments[1] + "." + new StringBuilder(segments[2]).reverse();
        KubectlResult refused = cluster.kubectlWithToken(forged, "auth", "whoami");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.output()).contains("Unauthorized");
        // Authenticated is not authorized: RBAC still decides, and grants this user nothing.
        KubectlResult listing = cluster.kubectlWithToken(token, "get", "secrets", "-n", ns);
        assertThat(listing.exitCode()).isNotZero();
        assertThat(listing.output()).contains("forbidden", "gatehouse:" + oauth.id());

        // A renewal, as cert-manager writes one: the same Secret, a new key and certificate. The
        // running pod takes it without a restart, and no request fails meanwhile.
        Pod before = readyPods(ns).get(0);
        long pid = cluster.runner().pod(ns, before.getMetadata().getName()).orElseThrow().process().pid();
        issueCertificate(work, "second", ns);
        X509Certificate renewed = certificate(work.resolve("second/tls.crt"));
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread load = new Thread(() -> {
          while (running.get()) {
            try (SSLSocket socket = (SSLSocket) trusting(work.resolve("ca.crt")).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
              // A new connection each time: each one is a handshake during the swap.
              socket.setSoTimeout(5_000);
              socket.getOutputStream().write("GET /.well-known/jwks.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
              String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
              if (!statusLine.equals("HTTP/1.1 200")) {
                failures.add(statusLine);
              }
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
        load.start();
        Map<String, String> renewal = tlsData(work.resolve("second"));
        try {
          cluster.client().secrets().inNamespace(ns).withName("auth-tls")
              .edit(secret -> new SecretBuilder(secret).withData(renewal).build());
          await("the pod serves the renewed certificate").atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> renewed.equals(servedCertificate(before.getStatus().getPodIP(), work)));
        } finally {
          running.set(false);
          load.join();
        }
        assertThat(failures).as("requests during the renewal").isEmpty();
        assertThat(readyPods(ns)).extracting(pod -> pod.getMetadata().getUid())
            .as("the same pod, not restarted").containsExactly(before.getMetadata().getUid());
        assertThat(cluster.runner().pod(ns, before.getMetadata().getName()).orElseThrow().process().pid())
            .as("the same process").isEqualTo(pid);
        KubectlResult afterRenewal = cluster.kubectlWithToken(token, "auth", "whoami",
            "-o", "jsonpath={.status.userInfo.username}");
        assertThat(afterRenewal.output()).isEqualTo("gatehouse:" + oauth.id());
      } finally {
        Files.writeString(cluster.authenticationConfig(), """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: AuthenticationConfiguration
            jwt: []
            """);
      }
    }
  }

  private static Optional<ServiceProxy.Backend> readyAuthPod(String ns) {
    return readyPods(ns).stream().findFirst()
        .map(pod -> new ServiceProxy.Backend(pod.getStatus().getPodIP(), AuthServiceResources.AUTH_HTTP_PORT));
  }

  private static List<Pod> readyPods(String ns) {
    return cluster.client().pods().inNamespace(ns)
        .withLabels(AuthServiceResources.selector(NAME, Component.AUTH))
        .list().getItems().stream()
        .filter(KubernetesAuthenticationEndToEndIT::isReady)
        .toList();
  }

  /** A new key and a certificate for 127.0.0.1 and the Service's name, signed by the test CA, in work/name. */
  private static void issueCertificate(Path work, String name, String ns) throws IOException, InterruptedException {
    Files.createDirectories(work.resolve(name));
    openssl(work, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", name + "/tls.key", "-out", name + "/tls.csr", "-subj", "/CN=" + NAME + "." + ns + ".svc");
    Files.writeString(work.resolve(name + "/san.ext"), "subjectAltName=IP:127.0.0.1,DNS:" + NAME + "." + ns + ".svc\n");
    openssl(work, "x509", "-req", "-in", name + "/tls.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
        "-days", "1", "-extfile", name + "/san.ext", "-out", name + "/tls.crt");
  }

  private static Map<String, String> tlsData(Path issued) throws IOException {
    return Map.of("tls.crt", base64(issued.resolve("tls.crt")), "tls.key", base64(issued.resolve("tls.key")));
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** The leaf a new handshake with the pod gets. */
  private static X509Certificate servedCertificate(String podIp, Path work) throws Exception {
    try (SSLSocket socket = (SSLSocket) trusting(work.resolve("ca.crt")).getSocketFactory()
        .createSocket(podIp, AuthServiceResources.AUTH_HTTP_PORT)) {
      socket.setSoTimeout(5_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static boolean isReady(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static SSLContext trusting(Path ca) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static String base64(Path file) throws IOException {
    return Base64.getEncoder().encodeToString(Files.readAllBytes(file));
  }


  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + output);
    }
  }
}
