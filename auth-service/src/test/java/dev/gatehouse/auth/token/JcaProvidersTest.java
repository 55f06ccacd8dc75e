package dev.gatehouse.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.config.JwtAlgorithm;
import dev.gatehouse.auth.config.JwtProperties;
import dev.gatehouse.auth.support.AuthServiceExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The native provider is what signs here, and what it signs is ordinary JWS: the pure-Java
 * fallback verifies it and the other way round, so pods of a mixed rollout (or a verifier in
 * another language) agree.
 */
class JcaProvidersTest {

    private static final JcaProviders NATIVE = new JcaProviders();
    private static final JcaProviders PURE_JAVA = new JcaProviders(() -> null);

    @TempDir
    Path keys;

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void theNativeProviderLoadsOnOurPlatform() {
        // The image and CI are Linux x86_64: if the native library stopped loading there (a wrong
        // classifier, no writable /tmp), issuance would silently be 35x slower.
        assertThat(NATIVE.signing().getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(NATIVE.verification()).isSameAs(NATIVE.signing());
        assertThat(PURE_JAVA.signing()).isNull();
        assertThat(PURE_JAVA.verification().getName()).isEqualTo("BC");
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void theRingHoldsSigningKeysInTheNativeFormAndSecretKeysAsTheyAre() throws Exception {
        writeKey(JwtAlgorithm.ES256);
        KeyFiles.KeyPairEntry read = KeyFiles.readPem("k", Files.readString(keys.resolve("k.pem")), JwtAlgorithm.ES256);
        // Signing with a JDK key object makes ACCP convert it on every signature (33 vs 16 µs here).
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, NATIVE);
        assertThat(ring.activeSigningKey().key().getClass().getName()).startsWith("com.amazon.corretto.");
        assertThat(ring.activeSigningKey().key().getEncoded()).isEqualTo(read.signingKey().getEncoded());
        // Without the native provider the JDK signs with the key as read.
        assertThat(PURE_JAVA.nativeSigningKey(read.signingKey())).isSameAs(read.signingKey());

        Key hmac = new SecretKeySpec(new byte[32], "HmacSHA256");
        assertThat(NATIVE.nativeSigningKey(hmac)).isSameAs(hmac);
    }

    @ParameterizedTest
    @EnumSource(JwtAlgorithm.class)
    void whatOneProviderSignsTheOtherVerifies(JwtAlgorithm algorithm) throws Exception {
        writeKey(algorithm);
        KeyRing nativeRing = new KeyRing(keys, algorithm, NATIVE);
        KeyRing pureJavaRing = new KeyRing(keys, algorithm, PURE_JAVA);
        JwtProperties properties = properties(algorithm);
        Clock clock = Clock.systemUTC();

        String nativelySigned = new TokenIssuer(nativeRing, properties, NATIVE, clock).issue("alice", "app", "read").value();
        assertThat(new TokenVerifier(pureJavaRing, properties, PURE_JAVA, clock).verify(nativelySigned).subject())
                .isEqualTo("alice");
        String pureJavaSigned = new TokenIssuer(pureJavaRing, properties, PURE_JAVA, clock).issue("bob", "app", "read").value();
        assertThat(new TokenVerifier(nativeRing, properties, NATIVE, clock).verify(pureJavaSigned).subject())
                .isEqualTo("bob");
    }

    @Test
    void es256SignaturesAreTheJwsFixedLengthFormNotDer() throws Exception {
        writeKey(JwtAlgorithm.ES256);
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, NATIVE);
        String token = new TokenIssuer(ring, properties(JwtAlgorithm.ES256), NATIVE, Clock.systemUTC()).issue("alice", "app", "read").value();
        PublicKey publicKey = (PublicKey) KeyFiles.readPem("k", Files.readString(keys.resolve("k.pem")), JwtAlgorithm.ES256)
                .verificationKey();

        // RFC 7518 §3.4: R || S, 32 bytes each, checked with the JDK alone rather than through jjwt.
        int lastDot = token.lastIndexOf('.');
        byte[] signature = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
        assertThat(signature).hasSize(64);
        Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format", "SunEC");
        jdk.initVerify(publicKey);
        jdk.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        assertThat(jdk.verify(signature)).isTrue();
    }

    /** No verified-token cache: every verify here is a real signature check. */
    private JwtProperties properties(JwtAlgorithm algorithm) {
        return new JwtProperties("https://issuer", List.of("api"), algorithm, Duration.ofMinutes(15),
                Duration.ofHours(1), keys, Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(30), 8192, 0);
    }

    private void writeKey(JwtAlgorithm algorithm) throws Exception {
        switch (algorithm) {
            case ES256 -> AuthServiceExtension.writeEcKey(keys, "k");
            case RS256 -> {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                Files.writeString(keys.resolve("k.pem"), "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
            }
            case HS256 -> {
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                Files.write(keys.resolve("k.hmac"), secret);
            }
        }
        Files.writeString(keys.resolve("active-kid"), "k");
    }
}
