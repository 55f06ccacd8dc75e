package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.api.v1alpha1.KeyRotationSpec;
import dev.gatehouse.operator.api.v1alpha1.SecretReference;
import dev.gatehouse.operator.dependent.SigningKeyRotation;
import dev.gatehouse.operator.secrets.ConfigHash;
import dev.gatehouse.operator.secrets.SigningKeyEntries;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The managed signing-key rotation on the cluster in a box: two real auth pods, whose key volume
 * the box syncs from the Secret as the kubelet does, the operator reading their real JWKS, and a
 * bounded load of token issues at one pod and verifications at the other for the whole rotation.
 * Not one verification of a valid token may fail, no pod restarts, and a token the old key signed
 * stays valid until it expires, then is refused.
 */
class SigningKeyRotationEndToEndIT {

  @RegisterExtension
  static final ClusterInABox cluster = new ClusterInABox();

  private static final Logger log = LoggerFactory.getLogger(SigningKeyRotationEndToEndIT.class);
  private static final Duration ROLL_OUT = Duration.ofMinutes(4);
  private static final String NAME = "auth";
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final Duration SKEW = Duration.ofSeconds(2);
  /** Between two issue + verify rounds of the load: bounded, so the box's two cores keep up. */
  private static final Duration PACE = Duration.ofMillis(25);
  private static final Pattern KID = Pattern.compile("\"kid\":\"([^\"]+)\"");
  private static final Pattern EXP = Pattern.compile("\"exp\":([0-9]+)");

  @Test
  void aRotationUnderLoadRefusesNoValidTokenAndRestartsNoPod() throws Exception {
    String ns = cluster.newNamespace("keys");
    OAuthClient oauth = cluster.createMinimalAuthService(ns, 2, service -> {
      KeyRotationSpec rotation = new KeyRotationSpec();
      rotation.setPeriod("720h");
      service.getSpec().getJwt().setKeyRotation(rotation);
      service.getSpec().getJwt().setAccessTokenTtl(TTL.toSeconds() + "s");
      service.getSpec().getJwt().setClockSkew(SKEW.toSeconds() + "s");
      service.getSpec().getRedis().getPool().setHealthCheckInterval("1s");
    });
    Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
    List<RunningPod> pods = cluster.runningAuthPods(ns);
    assertThat(pods).hasSize(2);
    String templateHash = configHash(ns);
    String secretName = AuthServiceResources.signingKeySecretName(NAME, JwtAlgorithm.ES256);
    String oldKid = SigningKeyEntries.activeKid(secret(ns, secretName)).orElseThrow();

    Load load = new Load(pods, oauth);
    Thread loader = new Thread(load, "rotation-load");
    loader.start();
    Thread.sleep(3_000);

    // The key's record says it has signed for its whole period: the rotation is due now.
    Instant start = Instant.now();
    client().secrets().inNamespace(ns).withName(secretName).edit(s -> {
      s.getMetadata().getAnnotations().put(SigningKeyRotation.ACTIVE_SINCE,
          start.minus(Duration.ofHours(720)).truncatedTo(ChronoUnit.SECONDS).toString());
      return s;
    });

    Map<String, Instant> phases = new LinkedHashMap<>();
    AtomicReference<String> newKid = new AtomicReference<>();
    await("the whole rotation").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          Secret secret = secret(ns, secretName);
          Map<String, String> annotations = secret.getMetadata().getAnnotations();
          Optional.ofNullable(annotations.get(SigningKeyRotation.PUBLISHING_KID)).ifPresent(kid -> {
            newKid.set(kid);
            phases.putIfAbsent("key added", Instant.now());
          });
          if (annotations.containsKey(SigningKeyRotation.PUBLISHED_AT)) {
            phases.putIfAbsent("published by every pod", Instant.now());
          }
          if (!oldKid.equals(SigningKeyEntries.activeKid(secret).orElseThrow())) {
            phases.putIfAbsent("active-kid switched", Instant.now());
          }
          if (annotations.containsKey(SigningKeyRotation.RETIRING_SINCE)) {
            phases.putIfAbsent("every pod signs with the new key", Instant.now());
          }
          boolean removed = phases.containsKey("active-kid switched")
              && !secret.getData().containsKey(oldKid + ".pem");
          if (removed) {
            phases.putIfAbsent("old key removed", Instant.now());
          }
          return removed;
        });
    Thread.sleep(3_000);
    load.stop();
    loader.join();

    phases.forEach((phase, at) -> log.info("rotation phase {} at +{} ms", phase,
        Duration.between(start, at).toMillis()));
    log.info("rotation load: {} issued, {} verified, {} failures {}", load.issued.get(),
        load.verified.get(), load.failures.get(), load.failureSamples);
    assertThat(load.failures.get()).as("failures: %s", load.failureSamples).isZero();
    assertThat(load.issued.get()).as("a load for the whole rotation").isGreaterThan(200);
    assertThat(load.kidsIssued).containsKeys(oldKid, newKid.get());

    // Tokens of the old key were verified again at both pods after the new key signed, while
    // they were valid (the load's "earlier" checks); the last one is refused once it expired.
    assertThat(load.acrossKeys.get()).as("old tokens re-verified after the switch").isPositive();
    Load.Issued last = load.lastIssuedBy(oldKid);
    Instant expires = last.expires();
    await("the old key's last token expired").atMost(TTL.plus(SKEW).plusSeconds(30))
        .until(() -> Instant.now().isAfter(expires.plus(SKEW).plusSeconds(1)));
    for (RunningPod pod : pods) {
      assertThat(AuthApi.forwardAuth(pod.baseUrl(), last.token())).as("after it expired").isEqualTo(401);
      // Each pod drops the old key once its volume is synced (3 s) and it re-read it (10 s).
      await(pod.name() + " drops the old key").atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(AuthApi.get(pod.baseUrl() + "/.well-known/jwks.json").body())
              .contains(newKid.get()).doesNotContain(oldKid));
    }

    assertThat(cluster.runningAuthPods(ns)).as("the same pods, never restarted")
        .extracting(RunningPod::uid).containsExactlyInAnyOrderElementsOf(pods.stream().map(RunningPod::uid).toList());
    assertThat(pods).allSatisfy(pod -> assertThat(pod.process().isAlive()).isTrue());
    assertThat(configHash(ns)).as("no phase rolls the pods").isEqualTo(templateHash);
    AuthService settled = cluster.authService(ns, NAME);
    assertThat(settled.getStatus().getSigningKey().getActiveKid()).isEqualTo(newKid.get());
    assertThat(settled.getStatus().getSigningKey().getRetiringKid()).isNull();
    assertThat(client().v1().events().inNamespace(ns).list().getItems())
        .extracting(e -> e.getReason())
        .contains("SigningKeyAdded", "SigningKeyPublished", "SigningKeyActivated",
            "SigningKeyRetiring", "SigningKeyRetired");
  }

  /**
   * The README's recipe for a key Secret of one's own, under the same load: add the new key, wait
   * until every pod's JWKS lists it and a minute more (its max-age), switch {@code active-kid},
   * and remove the old key once every pod signs with the new one and its tokens have expired.
   */
  @Test
  void aKeySecretOfOnesOwnRotatedByTheTwoStepRecipeRefusesNoValidToken() throws Exception {
    String ns = cluster.newNamespace("own-keys");
    client().secrets().inNamespace(ns).resource(new SecretBuilder()
        .withNewMetadata().withName("my-keys").endMetadata()
        .withStringData(Map.of("first.pem", ecKeyPem(), "active-kid", "first")).build()).create();
    OAuthClient oauth = cluster.createMinimalAuthService(ns, 2, service -> {
      service.getSpec().getJwt().setSigningKeySecretRef(new SecretReference("my-keys"));
      service.getSpec().getJwt().setAccessTokenTtl(TTL.toSeconds() + "s");
      service.getSpec().getJwt().setClockSkew(SKEW.toSeconds() + "s");
    });
    Conditions.awaitReady(ROLL_OUT, () -> cluster.authService(ns, NAME));
    List<RunningPod> pods = cluster.runningAuthPods(ns);
    String templateHash = configHash(ns);
    Load load = new Load(pods, oauth);
    Thread loader = new Thread(load, "own-key-load");
    loader.start();
    Thread.sleep(3_000);

    Instant start = Instant.now();
    String second = ecKeyPem();
    editOwnKeys(ns, data -> data.put("second.pem", second));
    awaitEveryPodsJwks(pods, kids -> kids.contains("second"));
    Instant published = Instant.now();
    Thread.sleep(Duration.ofSeconds(60).toMillis());
    editOwnKeys(ns, data -> data.put("active-kid", "second"));
    awaitEveryPodsJwks(pods, kids -> kids.get(0).equals("second"));
    Instant signing = Instant.now();
    Thread.sleep(TTL.plus(SKEW).toMillis());
    editOwnKeys(ns, data -> data.remove("first.pem"));
    awaitEveryPodsJwks(pods, kids -> kids.equals(List.of("second")));
    Instant removed = Instant.now();
    Thread.sleep(3_000);
    load.stop();
    loader.join();

    log.info("own key rotation: published by every pod at +{} ms, every pod signs with it at +{} ms,"
        + " old key gone from every pod at +{} ms; {} issued, {} verified, {} failures {}",
        Duration.between(start, published).toMillis(), Duration.between(start, signing).toMillis(),
        Duration.between(start, removed).toMillis(), load.issued.get(), load.verified.get(),
        load.failures.get(), load.failureSamples);
    assertThat(load.failures.get()).as("failures: %s", load.failureSamples).isZero();
    assertThat(load.kidsIssued).containsKeys("first", "second");
    assertThat(load.acrossKeys.get()).as("old tokens re-verified after the switch").isPositive();
    assertThat(cluster.runningAuthPods(ns)).as("the same pods, never restarted")
        .extracting(RunningPod::uid).containsExactlyInAnyOrderElementsOf(pods.stream().map(RunningPod::uid).toList());
    assertThat(configHash(ns)).as("editing the key Secret rolls nothing").isEqualTo(templateHash);
    await("status shows the new kid").atMost(Duration.ofSeconds(30))
        .until(() -> "second".equals(cluster.authService(ns, NAME).getStatus().getSigningKey().getActiveKid()));
  }

  private static void editOwnKeys(String ns, java.util.function.Consumer<Map<String, String>> change) {
    client().secrets().inNamespace(ns).withName("my-keys").edit(secret -> {
      Map<String, String> data = new java.util.TreeMap<>();
      secret.getData().forEach((key, value) -> data.put(key,
          new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
      change.accept(data);
      secret.setData(null);
      secret.setStringData(data);
      return secret;
    });
  }

  private static void awaitEveryPodsJwks(List<RunningPod> pods,
      java.util.function.Predicate<List<String>> test) {
    await("every pod's JWKS").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          for (RunningPod pod : pods) {
            List<String> kids = new ArrayList<>();
            Matcher matcher = KID.matcher(AuthApi.get(pod.baseUrl() + "/.well-known/jwks.json").body());
            while (matcher.find()) {
              kids.add(matcher.group(1));
            }
            if (kids.isEmpty() || !test.test(kids)) {
              return false;
            }
          }
          return true;
        });
  }

  private static String ecKeyPem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /**
   * Issue at one pod, verify at the other, alternating; every few rounds a token issued earlier,
   * not yet expired, is verified again at both pods. Any answer but 200 is a failure.
   */
  private static final class Load implements Runnable {
    record Issued(String token, String kid, Instant expires) {}

    private final List<RunningPod> pods;
    private final OAuthClient oauth;
    private final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicLong issued = new AtomicLong();
    final AtomicLong verified = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    /** Tokens of one key verified again, while valid, after the other key started to sign. */
    final AtomicLong acrossKeys = new AtomicLong();
    final List<String> failureSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Issued> kidsIssued = new ConcurrentHashMap<>();
    private final List<Issued> recent = new ArrayList<>();

    Load(List<RunningPod> pods, OAuthClient oauth) {
      this.pods = pods;
      this.oauth = oauth;
    }

    void stop() {
      running.set(false);
    }

    Issued lastIssuedBy(String kid) {
      return kidsIssued.get(kid);
    }

    @Override
    public void run() {
      long round = 0;
      while (running.get()) {
        RunningPod issuer = pods.get((int) (round % 2));
        RunningPod verifier = pods.get((int) ((round + 1) % 2));
        try {
          var response = AuthApi.post(issuer.baseUrl() + "/oauth2/token", oauth,
              Map.of("grant_type", "client_credentials"));
          issued.incrementAndGet();
          if (response.statusCode() != 200) {
            fail("issue at " + issuer.name() + ": " + response.statusCode());
          } else {
            String token = AuthApi.tokens(response).access();
            Issued fresh = new Issued(token, kid(token), expiry(token));
            kidsIssued.put(fresh.kid(), fresh);
            check(verifier, fresh, "fresh");
            recent.add(fresh);
            if (recent.size() > 200) {
              recent.remove(0);
            }
            if (round % 5 == 0) {
              Issued earlier = recent.get((int) (round / 5 % recent.size()));
              if (Instant.now().isBefore(earlier.expires().minusSeconds(1))) {
                for (RunningPod pod : pods) {
                  check(pod, earlier, "earlier");
                }
                if (!earlier.kid().equals(fresh.kid())) {
                  acrossKeys.incrementAndGet();
                }
              }
            }
          }
          Thread.sleep(PACE.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception | AssertionError e) {
          fail(e.toString());
        }
        round++;
      }
    }

    private void check(RunningPod pod, Issued token, String which) throws Exception {
      int status = AuthApi.forwardAuth(pod.baseUrl(), token.token());
      verified.incrementAndGet();
      if (status != 200) {
        fail(which + " token of " + token.kid() + " at " + pod.name() + ": " + status);
      }
    }

    private void fail(String what) {
      failures.incrementAndGet();
      if (failureSamples.size() < 20) {
        failureSamples.add(Instant.now() + " " + what);
      }
    }

    private static String kid(String token) {
      Matcher matcher = KID.matcher(part(token, 0));
      return matcher.find() ? matcher.group(1) : "none";
    }

    private static Instant expiry(String token) {
      Matcher matcher = EXP.matcher(part(token, 1));
      return matcher.find() ? Instant.ofEpochSecond(Long.parseLong(matcher.group(1))) : Instant.EPOCH;
    }

    private static String part(String token, int index) {
      return new String(Base64.getUrlDecoder().decode(token.split("\\.")[index]), StandardCharsets.UTF_8);
    }
  }

  private static Secret secret(String ns, String name) {
    return client().secrets().inNamespace(ns).withName(name).get();
  }

  private static String configHash(String ns) {
    return client().apps().deployments().inNamespace(ns).withName(NAME).get()
        .getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
  }

  private static KubernetesClient client() {
    return cluster.client();
  }
}
