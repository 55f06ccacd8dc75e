package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.KeyRotationSpec;
import dev.gatehouse.operator.api.v1alpha1.SigningKeyStatus;
import dev.gatehouse.operator.dependent.SigningKeyRotation.KeyRecord;
import dev.gatehouse.operator.dependent.SigningKeyRotation.Step;
import dev.gatehouse.operator.health.PublishedKeys;
import dev.gatehouse.operator.health.PublishedKeys.PodKeys;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The phase decision: a pure function of the Secret's record, the pods' JWKS and the clock. */
class SigningKeyRotationTest {

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
  private static final Duration PERIOD = Duration.ofHours(720);
  private static final Duration RETIRE_AFTER = Duration.ofSeconds(45);
  private static final Duration MAX_AGE = Duration.ofSeconds(60);

  @Test
  void anIdleKeyIsRotatedWhenItsPeriodIsOverAndNeverWithoutAPeriod() {
    KeyRecord idle = record("old", Set.of("old"), null, null, null, null);
    assertThat(decide(idle, pods(2, pod("a", "old"), pod("b", "old")), T0.plus(PERIOD).minusSeconds(1)))
        .isEqualTo(new Step.Wait(Optional.of(Duration.ofSeconds(1))));
    assertThat(decide(idle, Optional.empty(), T0.plus(PERIOD))).isEqualTo(new Step.AddKey());
    assertThat(SigningKeyRotation.decide(idle, Optional.empty(), Optional.empty(), RETIRE_AFTER,
        T0.plus(PERIOD.multipliedBy(10)))).isEqualTo(new Step.Wait(Optional.empty()));
  }

  @Test
  void aNewKeySignsOnlyOnceEveryRunningPodPublishesItAndTheirMaxAgeHasPassed() {
    KeyRecord adding = record("old", Set.of("old", "new"), "new", null, null, null);
    Instant now = T0.plus(PERIOD);
    Step waitForPods = new Step.Wait(Optional.of(SigningKeyRotation.POD_RECHECK));
    assertThat(decide(adding, Optional.empty(), now)).as("not polled yet").isEqualTo(waitForPods);
    assertThat(decide(adding, pods(2, pod("a", "old", "new"), pod("b", "old")), now))
        .as("one pod lacks it").isEqualTo(waitForPods);
    assertThat(decide(adding, pods(2, pod("a", "old", "new")), now))
        .as("one pod did not answer").isEqualTo(waitForPods);
    assertThat(decide(adding, pods(0), now)).as("no pod runs").isEqualTo(waitForPods);
    Optional<PublishedKeys> both = pods(2, pod("a", "old", "new"), pod("b", "old", "new"));
    assertThat(decide(adding, both, now)).isEqualTo(new Step.MarkPublished());

    KeyRecord published = record("old", Set.of("old", "new"), "new", now, null, null);
    assertThat(decide(published, both, now.plus(MAX_AGE).minusSeconds(1)))
        .as("a verifier may still hold a key set without it")
        .isEqualTo(new Step.Wait(Optional.of(Duration.ofSeconds(1))));
    assertThat(decide(published, both, now.plus(MAX_AGE))).isEqualTo(new Step.Activate());
    assertThat(decide(published, pods(3, pod("a", "old", "new"), pod("b", "old", "new"),
        pod("c", "old")), now.plus(MAX_AGE))).as("a new pod without it holds the switch")
        .isEqualTo(waitForPods);
  }

  @Test
  void theRetiredKeyGoesOnlyOnceNoPodSignsWithItAndItsTokensHaveExpired() {
    Instant switched = T0.plus(PERIOD);
    KeyRecord retiring = record("new", Set.of("old", "new"), null, null, "old", null);
    Step waitForPods = new Step.Wait(Optional.of(SigningKeyRotation.POD_RECHECK));
    assertThat(decide(retiring, pods(2, pod("a", "new", "old"), pod("b", "old", "new")), switched))
        .as("pod b still signs with old").isEqualTo(waitForPods);
    assertThat(decide(retiring, pods(2, pod("a", "new", "old")), switched)).isEqualTo(waitForPods);
    Optional<PublishedKeys> switchedPods = pods(2, pod("a", "new", "old"), pod("b", "new", "old"));
    assertThat(decide(retiring, switchedPods, switched)).isEqualTo(new Step.MarkRetiring());

    KeyRecord counting = record("new", Set.of("old", "new"), null, null, "old", switched);
    assertThat(decide(counting, Optional.empty(), switched.plus(RETIRE_AFTER).minusSeconds(1)))
        .isEqualTo(new Step.Wait(Optional.of(Duration.ofSeconds(1))));
    assertThat(decide(counting, Optional.empty(), switched.plus(RETIRE_AFTER)))
        .isEqualTo(new Step.RemoveRetired());
    assertThat(decide(counting, Optional.empty(), switched.plus(PERIOD.multipliedBy(2))))
        .as("no new rotation before the old key is gone").isEqualTo(new Step.RemoveRetired());
  }

  @Test
  void aRecordedKeyThatWasRemovedByHandIsForgotten() {
    assertThat(decide(record("old", Set.of("old"), "new", null, null, null), Optional.empty(), T0))
        .isEqualTo(new Step.ForgetMissing());
    assertThat(decide(record("new", Set.of("new"), null, null, "old", T0), Optional.empty(), T0))
        .isEqualTo(new Step.ForgetMissing());
    // Someone switched active-kid back to the retiring key, or on to the publishing one: the
    // rotation must neither remove nor re-activate the key that signs.
    assertThat(decide(record("old", Set.of("old", "new"), null, null, "old", T0), Optional.empty(),
        T0.plus(PERIOD))).isEqualTo(new Step.ForgetMissing());
    assertThat(decide(record("new", Set.of("old", "new"), "new", T0, null, null), Optional.empty(),
        T0.plus(PERIOD))).isEqualTo(new Step.ForgetMissing());
  }

  @Test
  void theRecordIsReadFromAnnotationsAndStartsAtTheSecretsCreation() {
    Secret secret = secret(Map.of("old.pem", "x", "active-kid", "old", ".hidden.pem", "y",
        "notes.txt", "z"), Map.of(SigningKeyRotation.PUBLISHED_AT, "not a time"));
    KeyRecord record = KeyRecord.of(secret, ".pem").orElseThrow();
    assertThat(record.kids()).containsExactly("old");
    assertThat(record.activeSince()).isEqualTo(T0);
    assertThat(record.publishedAt()).as("an unreadable time is no time").isEmpty();

    Secret pasted = secret(Map.of("old.pem", "x", "active-kid", "-----BEGIN PRIVATE KEY-----"), Map.of());
    assertThat(KeyRecord.of(pasted, ".pem")).as("key material in active-kid is never shown").isEmpty();
  }

  @Test
  void eachStepIsOneEditOfTheSecretThatTheNextDecisionReads() {
    AuthService primary = AuthServices.example("minimal.yaml");
    KeyRotationSpec rotation = new KeyRotationSpec();
    rotation.setPeriod("720h");
    primary.getSpec().getJwt().setKeyRotation(rotation);
    primary.getSpec().getJwt().setAccessTokenTtl("15s");
    primary.getSpec().getJwt().setClockSkew("30s");
    Secret secret = secret(Map.of("old.pem", "old-material", "active-kid", "old"), Map.of());

    Instant now = T0.plus(PERIOD);
    Secret added = apply(new Step.AddKey(), secret, primary, now);
    KeyRecord adding = KeyRecord.of(added, ".pem").orElseThrow();
    String kid = adding.publishingKid().orElseThrow();
    assertThat(adding.kids()).containsExactlyInAnyOrder("old", kid);
    assertThat(adding.activeKid()).isEqualTo("old");
    assertThat(decoded(added, kid + ".pem")).startsWith("-----BEGIN PRIVATE KEY-----");

    Secret published = apply(new Step.MarkPublished(), added, primary, now.plusMillis(1));
    assertThat(KeyRecord.of(published, ".pem").orElseThrow().publishedAt())
        .as("rounded up, never earlier than seen").contains(now.plusSeconds(1));

    Instant activation = now.plusSeconds(61);
    Secret active = apply(new Step.Activate(), published, primary, activation);
    KeyRecord switched = KeyRecord.of(active, ".pem").orElseThrow();
    assertThat(switched.activeKid()).isEqualTo(kid);
    assertThat(switched.activeSince()).isEqualTo(activation);
    assertThat(switched.retiringKid()).contains("old");
    assertThat(switched.publishingKid()).isEmpty();
    assertThat(decoded(active, "old.pem")).isEqualTo("old-material");

    Secret retiring = apply(new Step.MarkRetiring(), active, primary, activation.plusSeconds(5));
    SigningKeyStatus status = SigningKeyRotation.status(KeyRecord.of(retiring, ".pem").orElseThrow(),
        Optional.of(PERIOD), SigningKeyRotation.retireAfter(primary));
    assertThat(status.getRetiringAfter()).isEqualTo(activation.plusSeconds(50).toString());
    assertThat(status.getNextRotation()).as("none while one is under way").isNull();

    Secret done = apply(new Step.RemoveRetired(), retiring, primary, activation.plusSeconds(50));
    KeyRecord stable = KeyRecord.of(done, ".pem").orElseThrow();
    assertThat(stable.kids()).containsExactly(kid);
    assertThat(stable.retiringKid()).isEmpty();
    assertThat(done.getData()).doesNotContainKey("old.pem");
    SigningKeyStatus after = SigningKeyRotation.status(stable, Optional.of(PERIOD), Duration.ZERO);
    assertThat(after.getActiveKid()).isEqualTo(kid);
    assertThat(after.getNextRotation()).isEqualTo(activation.plus(PERIOD).toString());
  }

  @Test
  void eventsNameKidsAndNeverKeyMaterial() {
    AuthService primary = AuthServices.example("minimal.yaml");
    Secret secret = secret(Map.of("old.pem", "old-material", "active-kid", "old"), Map.of());
    SigningKeyRotation.Edit edit = SigningKeyRotation.edit(new Step.AddKey(),
        KeyRecord.of(secret, ".pem").orElseThrow(), secret, primary, T0.toString());
    String kid = KeyRecord.of(edit.secret(), ".pem").orElseThrow().publishingKid().orElseThrow();
    String message = edit.event().orElseThrow().getValue();
    assertThat(message).contains(kid).doesNotContain("PRIVATE").doesNotContain("old-material")
        .doesNotContain(edit.secret().getData().get(kid + ".pem"));
  }

  @Test
  void theWriteIsAMergePatchThatNullsWhatWentAndLeavesWhatStayed() {
    java.util.Map<String, String> before = new java.util.TreeMap<>(Map.of("old.pem", "A", "new.pem", "B",
        "active-kid", "b2xk"));
    java.util.Map<String, String> after = new java.util.TreeMap<>(Map.of("new.pem", "B", "active-kid", "bmV3"));
    java.util.Map<String, String> expected = new java.util.HashMap<>();
    expected.put("old.pem", null);
    expected.put("active-kid", "bmV3");
    assertThat(SigningKeyRotation.mergePatch(before, after)).isEqualTo(expected);
    assertThat(SigningKeyRotation.mergePatch(null, Map.of("a", "1"))).isEqualTo(Map.of("a", "1"));
  }

  private static Secret apply(Step step, Secret before, AuthService primary, Instant now) {
    KeyRecord record = KeyRecord.of(before, ".pem").orElseThrow();
    return SigningKeyRotation.edit(step, record, before, primary,
        SigningKeyRotation.recordedTime(now)).secret();
  }

  private static Step decide(KeyRecord record, Optional<PublishedKeys> pods, Instant now) {
    return SigningKeyRotation.decide(record, pods, Optional.of(PERIOD), RETIRE_AFTER, now);
  }

  private static KeyRecord record(String active, Set<String> kids, String publishing,
      Instant publishedAt, String retiring, Instant retiringSince) {
    return new KeyRecord(active, kids, T0, Optional.ofNullable(publishing),
        Optional.ofNullable(publishedAt), Optional.ofNullable(retiring),
        Optional.ofNullable(retiringSince));
  }

  private static Optional<PublishedKeys> pods(int running, PodKeys... answers) {
    return Optional.of(new PublishedKeys(running, List.of(answers)));
  }

  private static PodKeys pod(String name, String... kids) {
    return new PodKeys(name, List.of(kids), MAX_AGE);
  }

  private static Secret secret(Map<String, String> entries, Map<String, String> annotations) {
    return new SecretBuilder()
        .withNewMetadata().withName("auth-jwt-es256").withNamespace("shop")
        .withCreationTimestamp(T0.toString()).withResourceVersion("7")
        .withAnnotations(annotations).endMetadata()
        .withData(entries.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
            e -> Base64.getEncoder().encodeToString(e.getValue().getBytes(StandardCharsets.UTF_8)))))
        .build();
  }

  private static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }
}
