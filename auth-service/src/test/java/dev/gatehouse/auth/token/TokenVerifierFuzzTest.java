package dev.gatehouse.auth.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.auth.support.Es256TestKeys;
import dev.gatehouse.auth.support.RawJws;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * Coverage-guided fuzzing of the JWS verifier (docs/testing.md, "Fuzz tests"): whatever the input,
 * {@link TokenVerifier#verify} returns a token or throws {@link InvalidTokenException}; anything
 * else (a parser's exception, an error) is a finding. {@code rawToken} gets the token string as the
 * fuzzer makes it; {@code signedSegments} signs fuzzed header and payload bytes with the real key,
 * so the fuzzer reaches the claim checks behind the signature. Seeds: src/test/resources/.../
 * TokenVerifierFuzzTestInputs/.
 */
class TokenVerifierFuzzTest {

    private static final Instant NOW = Instant.parse("2026-11-26T04:00:00Z");
    private static TokenVerifier verifier;
    private static RawJws raw;

    /**
     * Set up on first use, not in {@code @BeforeAll}: in fuzzing mode Jazzer's agent is installed
     * when the fuzz test starts, and classes loaded before it break when it instruments them.
     */
    private static synchronized void keyRing() throws Exception {
        if (verifier != null) {
            return;
        }
        Path keys = Files.createTempDirectory("fuzz-keys");
        keys.toFile().deleteOnExit();
        Es256TestKeys signing = Es256TestKeys.in(keys);
        verifier = new TokenVerifier(signing.ring(), signing.properties(), signing.providers(), Clock.fixed(NOW, ZoneOffset.UTC));
        raw = signing.raw();
    }

    @FuzzTest(maxDuration = "10s")
    void rawToken(byte[] data) throws Exception {
        keyRing();
        String token = new String(data, StandardCharsets.UTF_8);
        VerifiedToken verified = verifyOrRefuse(token);
        // Random bytes never carry a valid signature; if they ever do, the claims must be sane.
        if (verified != null) {
            assertThat(IdentityClaims.isHeaderSafe(verified.subject())).isTrue();
        }
    }

    @FuzzTest(maxDuration = "10s")
    void signedSegments(byte[] data) throws Exception {
        keyRing();
        // The header's JSON, a newline, the payload's JSON: seeds stay readable text.
        String input = new String(data, StandardCharsets.UTF_8);
        int newline = input.indexOf('\n');
        String header = newline < 0 ? input : input.substring(0, newline);
        String payload = newline < 0 ? "" : input.substring(newline + 1);
        String token = raw.sign(header, payload);
        VerifiedToken verified = verifyOrRefuse(token);
        if (verified != null) {
            // Accepted: then it was strictly an access token (issue 12) and forward-auth can send it.
            assertThat(IdentityClaims.isHeaderSafe(verified.subject())).isTrue();
            assertThat(IdentityClaims.isHeaderSafe(verified.jti())).isTrue();
            assertThat(verified.clientId() == null || IdentityClaims.isHeaderSafe(verified.clientId())).isTrue();
            assertThat(verified.scope() == null || IdentityClaims.isHeaderSafe(verified.scope())).isTrue();
            assertThat(verified.expiresAt()).isBefore(Instant.parse("3000-01-01T00:00:01Z"));
            String typ = header.toLowerCase();
            assertThat(typ).containsAnyOf("at+jwt", "\\u");
            // The cache must give the same answer.
            assertThat(verifier.verify(token)).isEqualTo(verified);
            // Canonical form: the re-encoded signature is the one given.
            String signature = token.substring(token.lastIndexOf('.') + 1);
            assertThat(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(Base64.getUrlDecoder().decode(signature))).isEqualTo(signature);
        }
    }

    private static VerifiedToken verifyOrRefuse(String token) {
        try {
            return verifier.verify(token);
        } catch (InvalidTokenException refused) {
            return null;
        }
    }
}
