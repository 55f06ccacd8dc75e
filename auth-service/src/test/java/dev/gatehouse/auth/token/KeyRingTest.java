package dev.gatehouse.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.config.JwtAlgorithm;
import dev.gatehouse.auth.support.AuthServiceExtension;
import io.jsonwebtoken.Jwts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRingTest {

    private static final JcaProviders PROVIDERS = new JcaProviders();

    @TempDir
    Path keys;

    @Test
    void derivesTheEcPublicKeyThatVerifiesWhatThePrivateKeySigns() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "a");
        Files.writeString(keys.resolve("active-kid"), "a\n");
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS);

        String token = Jwts.builder().subject("s").signWith((java.security.PrivateKey) ring.activeSigningKey().key(), Jwts.SIG.ES256).compact();
        assertThat(Jwts.parser().verifyWith((PublicKey) ring.verificationKey("a")).build()
                .parseSignedClaims(token).getPayload().getSubject()).isEqualTo("s");
        assertThat(ring.publicJwks()).singleElement()
                .satisfies(jwk -> assertThat(jwk).containsEntry("kid", "a").containsEntry("kty", "EC")
                        .containsEntry("alg", "ES256").containsEntry("use", "sig").doesNotContainKey("d"));
    }

    @Test
    void loadsRsaKeysOfAtLeast2048Bits() throws Exception {
        writeRsa("r", 2048);
        Files.writeString(keys.resolve("active-kid"), "r");
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.RS256, PROVIDERS);
        assertThat(ring.publicJwks()).singleElement().satisfies(jwk -> assertThat(jwk).containsEntry("kty", "RSA"));

        writeRsa("small", 1024);
        assertThatThrownBy(() -> new KeyRing(keys, JwtAlgorithm.RS256, PROVIDERS)).hasMessageContaining("2048");
    }

    @Test
    void hmacKeysMustBeLongEnoughAndStaySecret() throws Exception {
        Files.write(keys.resolve("h.hmac"), new byte[32]);
        Files.writeString(keys.resolve("active-kid"), "h");
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.HS256, PROVIDERS);
        assertThat(ring.publicJwks()).isEmpty();
        Files.write(keys.resolve("short.hmac"), new byte[31]);
        assertThatThrownBy(() -> new KeyRing(keys, JwtAlgorithm.HS256, PROVIDERS)).hasMessageContaining("32 bytes");
    }

    @Test
    void refusesAnActiveKidWithoutItsKeyAndAKeyOfTheWrongType() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "a");
        assertThatThrownBy(() -> new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS)).hasMessageContaining("no active-kid");
        Files.writeString(keys.resolve("active-kid"), "b");
        assertThatThrownBy(() -> new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS)).hasMessageContaining("names b");
        Files.writeString(keys.resolve("active-kid"), "a");
        assertThatThrownBy(() -> new KeyRing(keys, JwtAlgorithm.RS256, PROVIDERS)).hasMessageContaining("not a PKCS#8 RSA");
    }

    @Test
    void ignoresTheKubeletsHiddenEntriesAndKeepsKeysWhenAReloadFails() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "a");
        Files.writeString(keys.resolve("active-kid"), "a");
        Files.createDirectory(keys.resolve("..data"));
        Files.writeString(keys.resolve(".hidden.pem"), "garbage");
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS);

        Files.writeString(keys.resolve("active-kid"), "missing");
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("a");

        AuthServiceExtension.writeEcKey(keys, "b");
        Files.writeString(keys.resolve("active-kid"), "b");
        String before = ring.fingerprint();
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("b");
        assertThat(ring.verificationKey("a")).isNotNull();
        assertThat(ring.fingerprint()).isNotEqualTo(before);
    }

    @Test
    void theKeySetListsTheSigningKeyFirstAndAlwaysHoldsIt() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "a");
        AuthServiceExtension.writeEcKey(keys, "c");
        Files.writeString(keys.resolve("active-kid"), "c");
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS);
        assertThat(kids(ring)).containsExactly("c", "a");
        assertThat(kids(ring).get(0)).isEqualTo(ring.activeSigningKey().kid());
    }

    @Test
    void aKeyNamedActiveInTheUpdateThatAddsItSignsOnlyAfterThePublishDelay() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "a");
        Files.writeString(keys.resolve("active-kid"), "a");
        MovableClock clock = new MovableClock();
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS, Duration.ofMinutes(3), clock);

        AuthServiceExtension.writeEcKey(keys, "b");
        Files.writeString(keys.resolve("active-kid"), "b");
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).as("held: other pods may not have b yet").isEqualTo("a");
        assertThat(ring.verificationKey("b")).as("but b verifies at once").isNotNull();
        assertThat(kids(ring)).containsExactly("a", "b");

        // An unrelated edit during the hold does not restart or end it.
        clock.advance(Duration.ofMinutes(2));
        Files.writeString(keys.resolve("unrelated.txt"), "x");
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("a");
        clock.advance(Duration.ofSeconds(59));
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("a");

        clock.advance(Duration.ofSeconds(1));
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("b");
        assertThat(kids(ring)).containsExactly("b", "a");
    }

    @Test
    void aKeyPublishedBeforeItBecomesActiveSignsAtOnce() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "a");
        Files.writeString(keys.resolve("active-kid"), "a");
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS, Duration.ofMinutes(3), new MovableClock());

        AuthServiceExtension.writeEcKey(keys, "b");
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("a");
        assertThat(kids(ring)).containsExactly("a", "b");
        Files.writeString(keys.resolve("active-kid"), "b");
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("b");
    }

    @Test
    void aKeyThatReplacesTheSigningKeyInOneEditSignsAtOnceForNothingElseCan() throws Exception {
        AuthServiceExtension.writeEcKey(keys, "a");
        Files.writeString(keys.resolve("active-kid"), "a");
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, PROVIDERS, Duration.ofMinutes(3), new MovableClock());

        Files.delete(keys.resolve("a.pem"));
        AuthServiceExtension.writeEcKey(keys, "b");
        Files.writeString(keys.resolve("active-kid"), "b");
        ring.reload();
        assertThat(ring.activeSigningKey().kid()).isEqualTo("b");
        assertThat(ring.verificationKey("a")).isNull();
    }

    private static List<String> kids(KeyRing ring) {
        return ring.publicJwks().stream().map(jwk -> (String) jwk.get("kid")).toList();
    }

    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private void writeRsa(String kid, int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Files.writeString(keys.resolve(kid + ".pem"), pem);
    }
}
