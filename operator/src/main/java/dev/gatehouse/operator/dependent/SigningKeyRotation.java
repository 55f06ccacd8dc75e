package dev.gatehouse.operator.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.JwtSpec;
import dev.gatehouse.operator.api.v1alpha1.KeyRotationSpec;
import dev.gatehouse.operator.api.v1alpha1.SigningKeyStatus;
import dev.gatehouse.operator.api.v1alpha1.SpecDuration;
import dev.gatehouse.operator.health.PublishedKeys;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.secrets.SecretData;
import dev.gatehouse.operator.secrets.SigningKeyEntries;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rotates the generated signing key ({@link SigningKeySecret}) every {@code spec.jwt.keyRotation
 * .period} with no refused token and no restart. The auth pods re-read their key directory, so
 * the Secret is edited in place, in three phases:
 * <ol>
 *   <li>a new key is added, not active; the pods publish it in their JWKS;</li>
 *   <li>once every running auth pod publishes it, and then the JWKS max-age they send has passed
 *       (a verifier that cached the set just before has it too), {@code active-kid} switches to
 *       it;</li>
 *   <li>once every pod signs with it (the first key of its JWKS), the previous key keeps verifying
 *       for accessTokenTtl plus clockSkew, by when every token it signed has expired, and is then
 *       removed.</li>
 * </ol>
 * Where it stands is recorded in annotations of the Secret, so an operator restart resumes it:
 * {@link #decide} is a pure function of that record, of what the pods publish and of the clock,
 * and each step is one write of the Secret, made against the version read (a conflict retries).
 * Nothing here names key material: annotations, status and Events carry kids and times only.
 *
 * <p>Longer than 300 lines because the phase decision, the record of it on the Secret and the write
 * of it stay together: the rotation's annotations are read and written here only.
 */
public final class SigningKeyRotation {

  static final String PREFIX = "gatehouse.dev/";
  /** When the active key started to sign (absent on a Secret that never rotated: its creation). */
  public static final String ACTIVE_SINCE = PREFIX + "active-since";
  /** The key added by a rotation, not active yet. */
  public static final String PUBLISHING_KID = PREFIX + "publishing-kid";
  /** When every running auth pod was first seen publishing it. */
  public static final String PUBLISHED_AT = PREFIX + "published-at";
  /** The previous key, verifying until the tokens it signed have expired. */
  public static final String RETIRING_KID = PREFIX + "retiring-kid";
  /** When every running auth pod was first seen signing with the active key. */
  public static final String RETIRING_SINCE = PREFIX + "retiring-since";

  /** How soon to look again while waiting for the pods (their change triggers a reconcile too). */
  static final Duration POD_RECHECK = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;

  public SigningKeyRotation(Clock clock) {
    this.clock = clock;
  }

  /** Where the rotation of one Secret stands, as its data and annotations record it. */
  record KeyRecord(String activeKid, Set<String> kids, Instant activeSince,
      Optional<String> publishingKid, Optional<Instant> publishedAt,
      Optional<String> retiringKid, Optional<Instant> retiringSince) {

    /**
     * A recorded kid that someone else changed: its key is gone, or it is the active one (its
     * key must then neither be activated again nor removed).
     */
    boolean stale(String kid) {
      return !kids.contains(kid) || kid.equals(activeKid);
    }

    static Optional<KeyRecord> of(Secret secret, String extension) {
      Optional<String> active = SigningKeyEntries.activeKid(secret);
      if (active.isEmpty()) {
        return Optional.empty();
      }
      Set<String> kids = new TreeSet<>();
      SecretData.keys(secret).stream()
          .filter(entry -> entry.endsWith(extension) && !entry.startsWith("."))
          .forEach(entry -> kids.add(entry.substring(0, entry.length() - extension.length())));
      Map<String, String> annotations = Optional.ofNullable(secret.getMetadata().getAnnotations())
          .orElse(Map.of());
      Instant activeSince = time(annotations.get(ACTIVE_SINCE))
          .or(() -> time(secret.getMetadata().getCreationTimestamp()))
          .orElse(Instant.EPOCH);
      return Optional.of(new KeyRecord(active.get(), Set.copyOf(kids), activeSince,
          Optional.ofNullable(annotations.get(PUBLISHING_KID)), time(annotations.get(PUBLISHED_AT)),
          Optional.ofNullable(annotations.get(RETIRING_KID)), time(annotations.get(RETIRING_SINCE))));
    }
  }

  /** The next step of a rotation: one write of the Secret, or a wait. */
  sealed interface Step {
    /** Nothing to write; look again after {@code recheck}, if any. */
    record Wait(Optional<Duration> recheck) implements Step {}
    record AddKey() implements Step {}
    record MarkPublished() implements Step {}
    record Activate() implements Step {}
    record MarkRetiring() implements Step {}
    record RemoveRetired() implements Step {}
    /** A recorded kid that was edited by hand ({@link KeyRecord#stale}): forget it. */
    record ForgetMissing() implements Step {}
  }

  /**
   * The next step, from the record, what the pods publish (empty when not polled yet) and the
   * time. Without a period an idle Secret stays as it is, and a rotation under way is finished.
   */
  static Step decide(KeyRecord record, Optional<PublishedKeys> pods, Optional<Duration> period,
      Duration retireAfter, Instant now) {
    if (record.retiringKid().filter(record::stale).isPresent()
        || record.publishingKid().filter(record::stale).isPresent()) {
      return new Step.ForgetMissing();
    }
    if (record.retiringKid().isPresent()) {
      if (record.retiringSince().isEmpty()) {
        return pods.filter(p -> p.everyPodSignsWith(record.activeKid())).isPresent()
            ? new Step.MarkRetiring() : waitForPods();
      }
      Instant due = record.retiringSince().get().plus(retireAfter);
      return now.isBefore(due) ? waitUntil(due, now) : new Step.RemoveRetired();
    }
    if (record.publishingKid().isPresent()) {
      String kid = record.publishingKid().get();
      if (pods.filter(p -> p.everyPodPublishes(kid)).isEmpty()) {
        return waitForPods();
      }
      if (record.publishedAt().isEmpty()) {
        return new Step.MarkPublished();
      }
      Instant due = record.publishedAt().get().plus(pods.get().longestMaxAge());
      return now.isBefore(due) ? waitUntil(due, now) : new Step.Activate();
    }
    if (period.isEmpty()) {
      return new Step.Wait(Optional.empty());
    }
    Instant due = record.activeSince().plus(period.get());
    return now.isBefore(due) ? waitUntil(due, now) : new Step.AddKey();
  }

  /**
   * What a reconcile did: the Event to record (reason, message), if a step was written, and when
   * to look again.
   */
  public record Outcome(Optional<Map.Entry<String, String>> event, Optional<Duration> recheck) {
    static final Outcome NOTHING = new Outcome(Optional.empty(), Optional.empty());
  }

  /** Takes the next step for the generated key Secret of {@code primary}, if it has one. */
  public Outcome reconcile(AuthService primary, Context<AuthService> context) {
    PodSecrets secrets = PodSecrets.of(primary);
    if (!secrets.signingKeysGenerated()) {
      return Outcome.NOTHING;
    }
    Optional<Secret> found = PodSecrets.find(context, secrets.signingKeys());
    Optional<KeyRecord> record = found.flatMap(s -> KeyRecord.of(s, extension(primary)));
    if (record.isEmpty()) {
      return Outcome.NOTHING;
    }
    Instant now = clock.instant();
    Step step = decide(record.get(), context.getSecondaryResource(PublishedKeys.class),
        period(primary), retireAfter(primary), now);
    if (step instanceof Step.Wait wait) {
      return new Outcome(Optional.empty(), wait.recheck());
    }
    Secret before = found.get();
    Edit edit = edit(step, record.get(), before, primary, recordedTime(now));
    write(before, edit.secret(), primary, context);
    // Look again soon: the next phase may be due at once (the pods already publish the key).
    return new Outcome(edit.event(), Optional.of(Duration.ofSeconds(1)));
  }

  /** The Secret after a step, and its Event (reason, message). */
  record Edit(Secret secret, Optional<Map.Entry<String, String>> event) {}

  static Edit edit(Step step, KeyRecord record, Secret before, AuthService primary,
      String now) {
    Map<String, String> data = new TreeMap<>(Optional.ofNullable(before.getData()).orElse(Map.of()));
    Map<String, String> annotations = new TreeMap<>(
        Optional.ofNullable(before.getMetadata().getAnnotations()).orElse(Map.of()));
    String extension = extension(primary);
    Map.Entry<String, String> event;
    if (step instanceof Step.AddKey) {
      SigningKeySecret.NewKey key;
      do {
        key = SigningKeySecret.newKey(PodSecrets.signingAlgorithm(primary));
      } while (record.kids().contains(key.kid()));
      data.put(key.entry(), base64(key.material()));
      annotations.put(PUBLISHING_KID, key.kid());
      event = Map.entry("SigningKeyAdded", "Added signing key " + key.kid() + " beside "
          + record.activeKid() + "; it signs once every auth pod publishes it in its JWKS");
    } else if (step instanceof Step.MarkPublished) {
      annotations.put(PUBLISHED_AT, now);
      event = Map.entry("SigningKeyPublished", "Every running auth pod publishes signing key "
          + record.publishingKid().orElseThrow() + "; it signs once the pods' JWKS max-age has"
          + " passed, so that verifiers' cached key sets hold it too");
    } else if (step instanceof Step.Activate) {
      String kid = record.publishingKid().orElseThrow();
      data.put(SigningKeyEntries.ACTIVE_KID_KEY, base64(kid));
      annotations.remove(PUBLISHING_KID);
      annotations.remove(PUBLISHED_AT);
      annotations.put(RETIRING_KID, record.activeKid());
      annotations.put(ACTIVE_SINCE, now);
      event = Map.entry("SigningKeyActivated", "Signing key " + kid + " signs now; "
          + record.activeKid() + " keeps verifying the tokens it signed");
    } else if (step instanceof Step.MarkRetiring) {
      annotations.put(RETIRING_SINCE, now);
      event = Map.entry("SigningKeyRetiring", "Every running auth pod signs with "
          + record.activeKid() + "; " + record.retiringKid().orElseThrow() + " is removed after "
          + retireAfter(primary).toSeconds() + " s (accessTokenTtl plus clockSkew), when every"
          + " token it signed has expired");
    } else if (step instanceof Step.RemoveRetired) {
      String kid = record.retiringKid().orElseThrow();
      if (kid.equals(record.activeKid())) {
        throw new IllegalStateException("never the key that signs");
      }
      data.remove(kid + extension);
      annotations.remove(RETIRING_KID);
      annotations.remove(RETIRING_SINCE);
      event = Map.entry("SigningKeyRetired", "Removed signing key " + kid
          + ": every token it signed has expired");
    } else if (step instanceof Step.ForgetMissing) {
      if (record.retiringKid().filter(record::stale).isPresent()) {
        annotations.remove(RETIRING_KID);
        annotations.remove(RETIRING_SINCE);
      }
      if (record.publishingKid().filter(record::stale).isPresent()) {
        annotations.remove(PUBLISHING_KID);
        annotations.remove(PUBLISHED_AT);
      }
      event = Map.entry("SigningKeyRotationReset", "The key Secret was changed by hand: a key the"
          + " rotation recorded is gone or active; the rotation goes on from the active key "
          + record.activeKid());
    } else {
      throw new IllegalArgumentException("nothing to write for " + step);
    }
    Secret after = new SecretBuilder(before)
        .withMetadata(new ObjectMetaBuilder(before.getMetadata()).withAnnotations(annotations).build())
        .withData(data)
        .withStringData(null)
        .build();
    return new Edit(after, Optional.of(event));
  }

  /**
   * Writes the step as a merge patch (the operator's RBAC patches Secrets; it never updates them)
   * that carries the resourceVersion read, which the API server takes as a precondition: two
   * reconciles on a stale cache cannot both add a key, the second gets a conflict and retries. An
   * immutable Secret (made by an operator before keyRotation existed) is replaced by a mutable one
   * with the same keys, which rolls the pods once (its content was in their config hash) onto a
   * Secret they can follow. The informer's cache learns the write at once.
   */
  @SuppressWarnings("unchecked")
  private static void write(Secret before, Secret after, AuthService primary,
      Context<AuthService> context) {
    Secret stored;
    var secrets = context.getClient().secrets().inNamespace(primary.getMetadata().getNamespace());
    String name = before.getMetadata().getName();
    if (Boolean.TRUE.equals(before.getImmutable())) {
      secrets.withName(name).delete();
      after.setImmutable(null);
      after.getMetadata().setResourceVersion(null);
      after.getMetadata().setUid(null);
      after.getMetadata().setCreationTimestamp(null);
      after.getMetadata().setManagedFields(null);
      stored = secrets.resource(after).create();
    } else {
      Map<String, Object> metadata = new TreeMap<>();
      metadata.put("resourceVersion", before.getMetadata().getResourceVersion());
      metadata.put("annotations", mergePatch(before.getMetadata().getAnnotations(),
          after.getMetadata().getAnnotations()));
      Map<String, Object> patch = new TreeMap<>();
      patch.put("metadata", metadata);
      patch.put("data", mergePatch(before.getData(), after.getData()));
      try {
        // A plain mapper: it writes the nulls that remove entries.
        stored = secrets.withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
            JSON.writeValueAsString(patch));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a map of strings always serializes", e);
      }
    }
    ((InformerEventSource<Secret, AuthService>) context.eventSourceRetriever()
        .getEventSourceFor(Secret.class, GeneratedSecrets.EVENT_SOURCE))
        .handleRecentResourceUpdate(ResourceID.fromResource(stored), stored, before);
  }

  /** RFC 7386 for one string map: what changed, and null for what went. */
  static Map<String, String> mergePatch(Map<String, String> before, Map<String, String> after) {
    Map<String, String> patch = new TreeMap<>();
    Optional.ofNullable(before).orElse(Map.of()).keySet().forEach(key -> patch.put(key, null));
    Optional.ofNullable(after).orElse(Map.of()).forEach(patch::put);
    Optional.ofNullable(before).orElse(Map.of()).forEach((key, value) -> {
      if (value.equals(patch.get(key))) {
        patch.remove(key);
      }
    });
    return patch;
  }

  /** The status part: the active kid of whichever Secret signs, and the rotation's record. */
  public static Optional<SigningKeyStatus> status(AuthService primary, Context<AuthService> context) {
    PodSecrets secrets = PodSecrets.of(primary);
    Optional<Secret> secret = PodSecrets.find(context, secrets.signingKeys());
    if (!secrets.signingKeysGenerated()) {
      return secret.flatMap(SigningKeyEntries::activeKid).map(kid -> {
        SigningKeyStatus status = new SigningKeyStatus();
        status.setActiveKid(kid);
        return status;
      });
    }
    return secret.flatMap(s -> KeyRecord.of(s, extension(primary)))
        .map(record -> status(record, period(primary), retireAfter(primary)));
  }

  static SigningKeyStatus status(KeyRecord record, Optional<Duration> period, Duration retireAfter) {
    SigningKeyStatus status = new SigningKeyStatus();
    status.setActiveKid(record.activeKid());
    status.setActiveSince(record.activeSince().toString());
    record.publishingKid().ifPresent(status::setPublishingKid);
    record.retiringKid().ifPresent(status::setRetiringKid);
    record.retiringSince().ifPresent(since -> status.setRetiringAfter(since.plus(retireAfter).toString()));
    if (record.publishingKid().isEmpty() && record.retiringKid().isEmpty()) {
      period.ifPresent(p -> status.setNextRotation(record.activeSince().plus(p).toString()));
    }
    return status;
  }

  static Optional<Duration> period(AuthService primary) {
    return Optional.ofNullable(primary.getSpec().getJwt().getKeyRotation())
        .map(KeyRotationSpec::getPeriod)
        .flatMap(SpecDuration::parse);
  }

  /** How long a retired key keeps verifying once no pod signs with it: the life of its tokens. */
  static Duration retireAfter(AuthService primary) {
    // The CRD defaults and checks both; were one unreadable, the longest it allows is safe.
    JwtSpec jwt = primary.getSpec().getJwt();
    return SpecDuration.parse(jwt.getAccessTokenTtl()).orElse(Duration.ofHours(24))
        .plus(SpecDuration.parse(jwt.getClockSkew()).orElse(Duration.ofMinutes(5)));
  }

  private static String extension(AuthService primary) {
    return SigningKeyEntries.extension(PodSecrets.signingAlgorithm(primary));
  }

  /** Rounded up to the second: a recorded time is never earlier than what it records. */
  static String recordedTime(Instant now) {
    long seconds = now.getEpochSecond() + (now.getNano() > 0 ? 1 : 0);
    return Instant.ofEpochSecond(seconds).toString();
  }

  private static Optional<Instant> time(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Step waitForPods() {
    return new Step.Wait(Optional.of(POD_RECHECK));
  }

  private static Step waitUntil(Instant due, Instant now) {
    return new Step.Wait(Optional.of(Duration.between(now, due)));
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
