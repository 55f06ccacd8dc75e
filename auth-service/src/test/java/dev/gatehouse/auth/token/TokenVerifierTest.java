package dev.gatehouse.auth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.grant.GrantException;
import dev.gatehouse.auth.support.Es256TestKeys;
import dev.gatehouse.auth.support.RawJws;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verification without Spring or Redis: issuance round trip, time bounds, and the cache. */
class TokenVerifierTest {

    @TempDir
    Path keys;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T04:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private TokenIssuer issuer;
    private TokenVerifier verifier;
    private RawJws raw;

    @BeforeEach
    void keyRing() throws Exception {
        Es256TestKeys signing = Es256TestKeys.in(keys);
        issuer = new TokenIssuer(signing.ring(), signing.properties(), signing.providers(), clock);
        verifier = new TokenVerifier(signing.ring(), signing.properties(), signing.providers(), clock);
        raw = signing.raw();
    }

    /**
     * Issue 12: each case validly signed, each refused for its strictness alone, twice (a refusal is
     * never cached into an acceptance). Lists every case that is not refused as it should be.
     */
    @Test
    void refusesWhatIsNotStrictlyAnAccessToken() {
        List<String> notRefused = new java.util.ArrayList<>();
        for (Object[] row : raw.strictnessCases(now.get().getEpochSecond())) {
            for (int attempt = 0; attempt < 2; attempt++) {
                try {
                    verifier.verify((String) row[1]);
                    notRefused.add(row[0] + ": accepted");
                } catch (InvalidTokenException expected) {
                    // Refused, as it must be, and by the strictness: the signature is good.
                    if (expected.getMessage().equals("signature does not verify")) {
                        notRefused.add(row[0] + ": refused for its signature");
                    }
                } catch (RuntimeException e) {
                    notRefused.add(row[0] + ": " + e);
                }
            }
        }
        assertThat(notRefused).isEmpty();
    }

    @Test
    void theRawControlTokenIsAccepted() {
        long at = now.get().getEpochSecond();
        assertThat(verifier.verify(raw.sign(raw.header(), raw.payload(at))).subject()).isEqualTo("mallory");
        assertThat(verifier.verify(raw.sign(raw.header().replace("at+jwt", "AT+JWT"), raw.payload(at))).subject())
                .isEqualTo("mallory");
        assertThat(verifier.verify(raw.sign(raw.header().replace("at+jwt", "application/at+jwt"),
                raw.payload(at))).subject()).isEqualTo("mallory");
        assertThat(verifier.verify(raw.sign(raw.header(), raw.payload(at, "\"a b@c.d\"", "\"scope\":\"\""))).subject())
                .isEqualTo("a b@c.d");
    }

    @Test
    void refusesToIssueWhatForwardAuthCouldNotSend() {
        for (String bad : List.of("alice\r", "alice\nX-Admin: 1", "alice\0", " alice", "al\u00efce")) {
            assertThatThrownBy(() -> issuer.issue(bad, "app", "read")).isInstanceOf(GrantException.class)
                    .hasMessageContaining("sub");
            assertThatThrownBy(() -> issuer.issue("alice", bad, "read")).isInstanceOf(GrantException.class)
                    .hasMessageContaining("client_id");
            assertThatThrownBy(() -> issuer.issue("alice", "app", bad)).isInstanceOf(GrantException.class)
                    .hasMessageContaining("scope");
        }
    }

    @Test
    void verifiesWhatItIssued() {
        TokenIssuer.IssuedToken issued = issuer.issue("alice", "app", "read");
        VerifiedToken verified = verifier.verify(issued.value());
        assertThat(verified.subject()).isEqualTo("alice");
        assertThat(verified.clientId()).isEqualTo("app");
        assertThat(verified.scope()).isEqualTo("read");
        assertThat(verified.jti()).isEqualTo(issued.jti());
        assertThat(verified.audience()).containsExactly("api");
        assertThat(verified.expiresAt()).isEqualTo(now.get().plus(Duration.ofMinutes(15)));
    }

    @Test
    void expiryIsCheckedAgainOnACachedTokenWithinTheClockSkew() {
        String token = issuer.issue("alice", "app", "read").value();
        verifier.verify(token);
        now.set(now.get().plus(Duration.ofMinutes(15)).plusSeconds(29));
        assertThat(verifier.verify(token).subject()).isEqualTo("alice");
        now.set(now.get().plusSeconds(2));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("token expired");
    }

    @Test
    void expiryIsCheckedOnAFreshParseToo() {
        String token = issuer.issue("alice", "app", "read").value();
        now.set(now.get().plus(Duration.ofMinutes(16)));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("token expired");
    }

    @Test
    void aTokenGivenItsOwnLifetimeExpiresThenNotAtTheConfiguredTtl() {
        TokenIssuer.IssuedToken issued = issuer.issue("gatehouse-warm-up", null, null, Duration.ofSeconds(20));
        assertThat(issued.expiresIn()).isEqualTo(Duration.ofSeconds(20));
        assertThat(verifier.verify(issued.value()).subject()).isEqualTo("gatehouse-warm-up");
        // Past its 20 s and the 30 s clock skew: refused, though the configured TTL is 15 minutes.
        now.set(now.get().plusSeconds(51));
        assertThatThrownBy(() -> verifier.verify(issued.value())).isInstanceOf(InvalidTokenException.class)
                .hasMessage("token expired");
    }

    @Test
    void refusesEmptyAndOversizedTokensBeforeParsing() {
        assertThatThrownBy(() -> verifier.verify("")).hasMessage("no bearer token");
        assertThatThrownBy(() -> verifier.verify("a".repeat(8193))).hasMessageContaining("longer than 8192");
    }
}
