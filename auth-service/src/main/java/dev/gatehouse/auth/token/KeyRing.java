package dev.gatehouse.auth.token;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.JwtAlgorithm;
import io.jsonwebtoken.security.Jwks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The signing keys of the mounted key directory: the {@code active-kid} key signs, every key
 * present verifies. Re-read when the directory's content changes (the kubelet swaps a mounted
 * Secret atomically), so a rotation is: add the new key, switch {@code active-kid}, and remove the
 * old key only once the tokens it signed have expired.
 *
 * <p>Pods see a Secret change at different times (the kubelet syncs each pod's volume on its own
 * schedule), so a token signed with a key that appeared only now could reach a pod that does not
 * have it yet. When an update names as {@code active-kid} a key that was not there before, and the
 * previous signing key is still present, this pod keeps signing with the previous key for
 * {@code key-publish-delay} (verifying with both): by then every pod has read the update. A key
 * that was published before it became active (the operator's managed rotation, the two-step
 * recipe) signs at once. The set published as JWKS always comes from the same load as the signing
 * key, so a pod never signs with a kid its JWKS does not publish.
 *
 * <p>Signing keys are held in the signing provider's native form ({@link JcaProviders}),
 * converted once per load rather than on every signature; the JWK set is built once per load
 * too, not per request. Verification keys stay as read: converting them measured no gain
 * (docs/benchmarks.md, "What changed").
 */
@Component
public class KeyRing {

    private static final Logger log = LoggerFactory.getLogger(KeyRing.class);
    static final String ACTIVE_KID_FILE = "active-kid";

    private final Path directory;
    private final JwtAlgorithm algorithm;
    private final JcaProviders providers;
    private final Duration publishDelay;
    private final Clock clock;
    private volatile Keys keys;

    @Autowired
    public KeyRing(GatehouseProperties properties, JcaProviders providers) {
        this(properties.jwt().keysDir(), properties.jwt().algorithm(), providers,
                properties.jwt().keyPublishDelay(), Clock.systemUTC());
    }

    public KeyRing(Path directory, JwtAlgorithm algorithm, JcaProviders providers) {
        this(directory, algorithm, providers, Duration.ZERO, Clock.systemUTC());
    }

    public KeyRing(Path directory, JwtAlgorithm algorithm, JcaProviders providers, Duration publishDelay, Clock clock) {
        this.directory = directory;
        this.algorithm = algorithm;
        this.providers = providers;
        this.publishDelay = publishDelay;
        this.clock = clock;
        this.keys = load(fingerprint(directory), null);
        log.info("Loaded signing keys {} from {}; active kid {}", keys.verification().keySet(), directory, keys.activeKid());
    }

    /**
     * Re-reads the directory if its content changed. A broken update keeps the keys in use and logs
     * why, so a bad Secret edit degrades nothing that worked before.
     */
    @Scheduled(fixedDelayString = "${gatehouse.jwt.keys-reload-interval:10s}")
    public void reload() {
        try {
            String fingerprint = fingerprint(directory);
            Keys current = keys;
            if (fingerprint.equals(current.fingerprint())) {
                if (current.heldUntil() != null && !clock.instant().isBefore(current.heldUntil())) {
                    keys = current.signingWithActive(jwks(current.activeKid(), current.jwks()));
                    log.info("Signing with active kid {} now that every pod has had {} to publish it",
                            current.activeKid(), publishDelay);
                }
                return;
            }
            Keys loaded = load(fingerprint, current);
            keys = loaded;
            log.info("Reloaded signing keys {}; active kid {}", loaded.verification().keySet(), loaded.activeKid());
            if (loaded.heldUntil() != null) {
                log.info("Active kid {} is new in this update: signing with {} until {}, so that every pod"
                        + " publishes {} before a token signed with it reaches one", loaded.activeKid(),
                        loaded.signingKid(), loaded.heldUntil(), loaded.activeKid());
            }
        } catch (RuntimeException e) {
            log.error("Keeping the current signing keys: cannot load {}: {}", directory, e.getMessage());
        }
    }

    /** The active key with its kid, read together: two reads could straddle a reload and mismatch. */
    public SigningKey activeSigningKey() {
        Keys current = keys;
        return new SigningKey(current.signingKid(), current.signing().get(current.signingKid()));
    }

    /** The key that verifies tokens signed under {@code kid}, or null for an unknown kid. */
    public Key verificationKey(String kid) {
        return kid == null ? null : keys.verification().get(kid);
    }

    /** Changes whenever the set of keys changes; lets caches of verified tokens notice. */
    public String fingerprint() {
        return keys.fingerprint();
    }

    public JwtAlgorithm algorithm() {
        return algorithm;
    }

    /**
     * The public keys as JWKs with their kids, the signing one first; empty for HS256, whose keys
     * are secret. Built from the same load as {@link #activeSigningKey}, so a pod never signs with
     * a kid its key set does not publish.
     */
    public List<Map<String, Object>> publicJwks() {
        return keys.jwks();
    }

    /** @param previous the keys in use before, or null at start-up (nothing signed yet to wait for) */
    private Keys load(String fingerprint, Keys previous) {
        String extension = KeyFiles.extension(algorithm);
        Map<String, Key> signing = new TreeMap<>();
        Map<String, Key> verification = new TreeMap<>();
        List<Map<String, Object>> jwks = new ArrayList<>();
        for (Path file : entries(directory)) {
            String name = file.getFileName().toString();
            if (!name.endsWith(extension)) {
                continue;
            }
            String kid = name.substring(0, name.length() - extension.length());
            KeyFiles.KeyPairEntry entry = algorithm == JwtAlgorithm.HS256
                    ? KeyFiles.readHmac(kid, read(file))
                    : KeyFiles.readPem(kid, new String(read(file), StandardCharsets.US_ASCII), algorithm);
            signing.put(kid, providers.nativeSigningKey(entry.signingKey()));
            verification.put(kid, entry.verificationKey());
            if (entry.verificationKey() instanceof PublicKey publicKey) {
                jwks.add(jwk(kid, publicKey));
            }
        }
        Path activeFile = directory.resolve(ACTIVE_KID_FILE);
        if (!Files.isRegularFile(activeFile)) {
            throw new IllegalStateException("no " + ACTIVE_KID_FILE + " entry in " + directory);
        }
        String activeKid = new String(read(activeFile), StandardCharsets.UTF_8).strip();
        if (!signing.containsKey(activeKid)) {
            throw new IllegalStateException(ACTIVE_KID_FILE + " names " + activeKid + " but " + directory
                    + " holds no " + activeKid + extension + " (keys: " + signing.keySet() + ")");
        }
        String signingKid = activeKid;
        Instant heldUntil = null;
        if (previous != null && !previous.signingKid().equals(activeKid) && signing.containsKey(previous.signingKid())) {
            Instant now = clock.instant();
            boolean newKid = !previous.verification().containsKey(activeKid);
            boolean stillHeld = previous.heldUntil() != null && previous.activeKid().equals(activeKid);
            Instant until = stillHeld ? previous.heldUntil() : now.plus(publishDelay);
            if ((newKid || stillHeld) && until.isAfter(now)) {
                signingKid = previous.signingKid();
                heldUntil = until;
            }
        }
        return new Keys(activeKid, signingKid, heldUntil, Map.copyOf(signing), Map.copyOf(verification),
                jwks(signingKid, jwks), fingerprint);
    }

    /**
     * The signing key first: the operator reads each pod's signing kid from its JWKS, to know when
     * no pod signs with a retiring key any more (docs/auth-service-contract.md).
     */
    private static List<Map<String, Object>> jwks(String signingKid, List<Map<String, Object>> jwks) {
        List<Map<String, Object>> ordered = new ArrayList<>(jwks);
        ordered.sort(Comparator.comparing((Map<String, Object> jwk) -> !signingKid.equals(jwk.get("kid")))
                .thenComparing(jwk -> (String) jwk.get("kid")));
        return List.copyOf(ordered);
    }

    private Map<String, Object> jwk(String kid, PublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>(Jwks.builder().key(key).id(kid).algorithm(algorithm.name()).build());
        jwk.put("use", "sig");
        return Collections.unmodifiableMap(jwk);
    }

    /** The visible entries; the kubelet's {@code ..data} machinery starts with a dot. */
    private static List<Path> entries(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> !file.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list key directory " + directory, e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String fingerprint(Path directory) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : entries(directory)) {
                digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(read(file));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record SigningKey(String kid, Key key) {
    }

    /**
     * @param signingKid the kid that signs: {@code activeKid}, or the previous one until
     *                   {@code heldUntil} (null when not held)
     */
    private record Keys(String activeKid, String signingKid, Instant heldUntil, Map<String, Key> signing,
                        Map<String, Key> verification, List<Map<String, Object>> jwks, String fingerprint) {

        Keys signingWithActive(List<Map<String, Object>> reordered) {
            return new Keys(activeKid, activeKid, null, signing, verification, reordered, fingerprint);
        }
    }
}
