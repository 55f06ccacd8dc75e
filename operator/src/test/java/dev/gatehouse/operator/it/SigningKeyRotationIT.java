package dev.gatehouse.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.api.v1alpha1.KeyRotationSpec;
import dev.gatehouse.operator.api.v1alpha1.SigningKeyStatus;
import dev.gatehouse.operator.dependent.SigningKeyRotation;
import dev.gatehouse.operator.secrets.SigningKeyEntries;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The managed key rotation against a real API server, with the operator in this JVM: what it
 * shows is what the API server holds (the key Secret's entries and annotations, the status, the
 * Events). The auth pods are Pod objects Ready at a loopback address whose JWKS the test serves
 * (the interface the operator reads, docs/auth-service-contract.md), so the test decides which pod
 * has seen which key; the end-to-end test runs the real auth service under load instead.
 */
class SigningKeyRotationIT extends AbstractOperatorIT {

  private static final String NAME = "auth";
  private static final String KEY_SECRET_NAME = AuthServiceResources.signingKeySecretName(NAME, JwtAlgorithm.ES256);
  /** What the test's pods send as their JWKS max-age: the switch waits this long after publishing. */
  private static final int MAX_AGE_SECONDS = 2;

  private final List<PodJwks> pods = new ArrayList<>();

  SigningKeyRotationIT() {
    super(Duration.ofSeconds(60));
  }

  @AfterEach
  void stopPods() {
    pods.forEach(PodJwks::close);
  }

  @Test
  void eachPhaseWaitsForEveryPodAndSurvivesAnOperatorRestartWithoutRollingThePods() throws Exception {
    AuthService service = example("minimal.yaml");
    KeyRotationSpec rotation = new KeyRotationSpec();
    rotation.setPeriod("1m");
    service.getSpec().getJwt().setKeyRotation(rotation);
    service.getSpec().getJwt().setAccessTokenTtl("2s");
    service.getSpec().getJwt().setClockSkew("1s");
    service.getSpec().getRedis().getPool().setHealthCheckInterval("1s");
    client.resource(service).inNamespace(namespace).create();

    Deployment deployment = await(Deployment.class, NAME);
    String podTemplateHash = templateHash(deployment);
    Secret generated = await(Secret.class, KEY_SECRET_NAME);
    assertThat(generated.getImmutable()).as("edited in place, so not immutable").isNotEqualTo(Boolean.TRUE);
    String old = activeKid(generated);
    SigningKeyStatus initial = awaitStatus(NAME, s -> key(s).getActiveKid() != null)
        .getStatus().getSigningKey();
    assertThat(initial.getActiveKid()).isEqualTo(old);
    assertThat(Instant.parse(initial.getNextRotation()))
        .isEqualTo(Instant.parse(initial.getActiveSince()).plus(Duration.ofMinutes(1)));

    PodJwks a = runPod(deployment, "auth-a", List.of(old));
    PodJwks b = runPod(deployment, "auth-b", List.of(old));

    // Phase 1: the period is over (the record says the key signs since two minutes), a new key
    // joins, inactive.
    client.secrets().inNamespace(namespace).withName(KEY_SECRET_NAME).edit(s -> {
      s.getMetadata().getAnnotations().put(SigningKeyRotation.ACTIVE_SINCE,
          Instant.now().minus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.SECONDS).toString());
      return s;
    });
    awaitTrue(() -> annotation(SigningKeyRotation.PUBLISHING_KID).isPresent());
    String next = annotation(SigningKeyRotation.PUBLISHING_KID).orElseThrow();
    assertThat(kids(secret())).containsExactlyInAnyOrder(old, next);
    assertThat(activeKid(secret())).isEqualTo(old);
    assertThat(awaitStatus(NAME, s -> next.equals(key(s).getPublishingKid()))
        .getStatus().getSigningKey().getNextRotation()).as("none while a rotation is under way").isNull();
    awaitEvent("SigningKeyAdded");

    // Only one pod has it: no switch, however long.
    a.publish(List.of(old, next));
    Thread.sleep(4_000);
    assertThat(annotation(SigningKeyRotation.PUBLISHED_AT)).isEmpty();
    assertThat(activeKid(secret())).isEqualTo(old);

    // Both have it: recorded, and then the operator restarts before the switch.
    b.publish(List.of(old, next));
    awaitTrue(() -> annotation(SigningKeyRotation.PUBLISHED_AT).isPresent());
    Instant published = Instant.parse(annotation(SigningKeyRotation.PUBLISHED_AT).orElseThrow());
    operator.close();
    operator = InProcessOperator.watching(apiServer, namespace);
    awaitTrue(() -> next.equals(activeKid(secret())));
    assertThat(Instant.parse(annotation(SigningKeyRotation.ACTIVE_SINCE).orElseThrow()))
        .as("switched no sooner than the JWKS max-age after every pod published the key")
        .isAfterOrEqualTo(published.plusSeconds(MAX_AGE_SECONDS));
    assertThat(annotation(SigningKeyRotation.RETIRING_KID)).contains(old);
    awaitEvent("SigningKeyActivated");

    // Pod b has not re-read the Secret yet and signs with the old key: the old key stays.
    a.publish(List.of(next, old));
    Thread.sleep(4_000);
    assertThat(annotation(SigningKeyRotation.RETIRING_SINCE)).isEmpty();
    assertThat(kids(secret())).contains(old);

    b.publish(List.of(next, old));
    awaitTrue(() -> annotation(SigningKeyRotation.RETIRING_SINCE).isPresent());
    Instant retiringSince = Instant.parse(annotation(SigningKeyRotation.RETIRING_SINCE).orElseThrow());
    awaitEvent("SigningKeyRetiring");
    SigningKeyStatus retiring = awaitStatus(NAME, s -> key(s).getRetiringAfter() != null)
        .getStatus().getSigningKey();
    assertThat(retiring.getActiveKid()).isEqualTo(next);
    assertThat(retiring.getRetiringKid()).isEqualTo(old);
    assertThat(Instant.parse(retiring.getRetiringAfter())).isEqualTo(retiringSince.plusSeconds(3));

    // Phase 3: accessTokenTtl (2 s) plus clockSkew (1 s) later, the old key is gone.
    awaitTrue(() -> !kids(secret()).contains(old));
    assertThat(Instant.now()).isAfterOrEqualTo(retiringSince.plusSeconds(3));
    assertThat(kids(secret())).containsExactly(next);
    awaitEvent("SigningKeyRetired");
    SigningKeyStatus settled = awaitStatus(NAME, s -> key(s).getRetiringKid() == null
        && key(s).getNextRotation() != null).getStatus().getSigningKey();
    assertThat(settled.getActiveKid()).isEqualTo(next);
    assertThat(Instant.parse(settled.getNextRotation()))
        .isEqualTo(Instant.parse(settled.getActiveSince()).plus(Duration.ofMinutes(1)));

    assertThat(templateHash(deployment(NAME))).as("no phase rolls the pods").isEqualTo(podTemplateHash);
    String material = new String(Base64.getDecoder().decode(secret().getData().get(next + ".pem")),
        StandardCharsets.UTF_8);
    String body = material.lines().filter(l -> !l.startsWith("-----")).collect(Collectors.joining());
    assertThat(rotationEvents()).isNotEmpty()
        .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(body.substring(0, 24)).doesNotContain("PRIVATE"));
  }

  @Test
  void anImmutableKeySecretOfAnEarlierOperatorIsReplacedByAMutableOneWithTheSameKeysWhenItRotates() {
    client.resource(example("minimal.yaml")).inNamespace(namespace).create();
    String old = activeKid(await(Secret.class, KEY_SECRET_NAME));
    String mutableHash = templateHash(await(Deployment.class, NAME));
    // What an operator before keyRotation wrote: the same Secret, immutable (a one-way edit of
    // its data; its metadata stays editable), and the key signing since two minutes.
    client.secrets().inNamespace(namespace).withName(KEY_SECRET_NAME).edit(s -> {
      s.setImmutable(true);
      s.getMetadata().getAnnotations().put(SigningKeyRotation.ACTIVE_SINCE,
          Instant.now().minus(Duration.ofMinutes(2)).truncatedTo(ChronoUnit.SECONDS).toString());
      return s;
    });
    Secret immutable = secret();
    assertThat(immutable.getImmutable()).isTrue();
    // The kubelet does not sync an immutable Secret into running pods: its content is hashed.
    awaitTrue(() -> !templateHash(deployment(NAME)).equals(mutableHash));
    String immutableHash = templateHash(deployment(NAME));

    AuthService service = client.resources(AuthService.class).inNamespace(namespace).withName(NAME).get();
    KeyRotationSpec rotation = new KeyRotationSpec();
    rotation.setPeriod("1m");
    service.getSpec().getJwt().setKeyRotation(rotation);
    service.getMetadata().setManagedFields(null);
    client.resource(service).update();

    // The rotation is due at once, and an immutable Secret cannot take the new key.
    awaitTrue(() -> !Boolean.TRUE.equals(secret().getImmutable()));
    Secret replaced = secret();
    assertThat(replaced.getMetadata().getUid()).isNotEqualTo(immutable.getMetadata().getUid());
    assertThat(replaced.getData()).as("not one entry lost").containsAllEntriesOf(immutable.getData());
    assertThat(activeKid(replaced)).as("the key that signed still signs").isEqualTo(old);
    assertThat(kids(replaced)).hasSize(2).contains(old);
    assertThat(replaced.getMetadata().getAnnotations())
        .containsKey(SigningKeyRotation.PUBLISHING_KID);
    assertThat(replaced.getMetadata().getOwnerReferences())
        .isEqualTo(immutable.getMetadata().getOwnerReferences());
    assertThat(replaced.getMetadata().getLabels()).isEqualTo(immutable.getMetadata().getLabels());
    // The pods roll once, onto a Secret they follow; the next phases roll nothing.
    awaitTrue(() -> templateHash(deployment(NAME)).equals(mutableHash));
    assertThat(immutableHash).isNotEqualTo(mutableHash);
  }

  /** The status's signing key, or an empty one before the operator wrote it. */
  private static SigningKeyStatus key(AuthService service) {
    return Optional.ofNullable(service.getStatus().getSigningKey()).orElseGet(SigningKeyStatus::new);
  }

  private Secret secret() {
    return client.secrets().inNamespace(namespace).withName(KEY_SECRET_NAME).get();
  }

  private Optional<String> annotation(String key) {
    return Optional.ofNullable(secret().getMetadata().getAnnotations()).map(a -> a.get(key));
  }

  private static String activeKid(Secret secret) {
    return SigningKeyEntries.activeKid(secret).orElseThrow();
  }

  private static List<String> kids(Secret secret) {
    return secret.getData().keySet().stream().filter(k -> k.endsWith(".pem"))
        .map(k -> k.substring(0, k.length() - 4)).sorted().toList();
  }

  private List<Event> rotationEvents() {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> e.getReason().startsWith("SigningKey")).toList();
  }

  private void awaitEvent(String reason) {
    awaitTrue(() -> rotationEvents().stream().anyMatch(e -> reason.equals(e.getReason())));
  }

  /** A Pod as the Deployment would make it, Running and Ready at 127.0.0.1, with its own JWKS. */
  private PodJwks runPod(Deployment deployment, String name, List<String> kids) throws IOException {
    PodJwks jwks = new PodJwks(kids);
    pods.add(jwks);
    runReadyPod(deployment, name, jwks.port());
    return jwks;
  }

  /** What one auth pod publishes at /.well-known/jwks.json: its kids, the signing one first. */
  private static final class PodJwks implements AutoCloseable {
    private final AtomicReference<List<String>> kids;
    private final HttpServer server;

    PodJwks(List<String> initial) throws IOException {
      kids = new AtomicReference<>(initial);
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/.well-known/jwks.json", exchange -> {
        String keys = kids.get().stream()
            .map(kid -> "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" + kid + "\",\"use\":\"sig\"}")
            .collect(Collectors.joining(","));
        byte[] bytes = ("{\"keys\":[" + keys + "]}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
        exchange.getResponseHeaders().set("Cache-Control", "max-age=" + MAX_AGE_SECONDS);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      });
      server.start();
    }

    void publish(List<String> published) {
      kids.set(List.copyOf(published));
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
