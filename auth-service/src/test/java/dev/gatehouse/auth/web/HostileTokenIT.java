package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import dev.gatehouse.auth.support.RawJws;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;

/**
 * Every kind of hostile token gets 401 with an RFC 9457 body from forward-auth, never a 500. The
 * forgeries are built with the service's real key where that is what the attack needs (a wrong
 * claim signed correctly), so each case fails for the reason it names and no other.
 */
class HostileTokenIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    static PrivateKey serviceKey;
    static PublicKey servicePublicKey;

    @BeforeAll
    static void readTheServiceKeys() throws Exception {
        String pem = Files.readString(service.keysDir().resolve(AuthServiceExtension.FIRST_KID + ".pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        serviceKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        servicePublicKey = (PublicKey) service.bean(dev.gatehouse.auth.token.KeyRing.class)
                .verificationKey(AuthServiceExtension.FIRST_KID);
    }

    /** A token the service would accept, signed with its key; each case changes one thing. */
    static io.jsonwebtoken.JwtBuilder valid() {
        Instant now = Instant.now();
        return Jwts.builder()
                .header().keyId(AuthServiceExtension.FIRST_KID).type("at+jwt").and()
                .issuer(AuthServiceExtension.ISSUER)
                .audience().add(AuthServiceExtension.AUDIENCE).and()
                .subject("mallory")
                .id(UUID.randomUUID().toString())
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> hostileTokens() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair attackerEc = ec.generateKeyPair();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair attackerRsa = rsa.generateKeyPair();
        Instant now = Instant.now();
        String good = valid().signWith(serviceKey, Jwts.SIG.ES256).compact();
        String[] parts = good.split("\\.");
        String payload = "{\"iss\":\"" + AuthServiceExtension.ISSUER + "\",\"aud\":\"" + AuthServiceExtension.AUDIENCE
                + "\",\"sub\":\"mallory\",\"jti\":\"x\",\"exp\":" + (now.getEpochSecond() + 300) + "}";
        // HS/RS (here HS/EC) confusion: an HMAC keyed with the bytes of the service's public key.
        String hsConfusion = Jwts.builder().header().keyId(AuthServiceExtension.FIRST_KID).type("at+jwt").and()
                .issuer(AuthServiceExtension.ISSUER).audience().add(AuthServiceExtension.AUDIENCE).and()
                .subject("mallory").id("x").expiration(Date.from(now.plusSeconds(300)))
                .signWith(Keys.hmacShaKeyFor(padded(servicePublicKey.getEncoded())), Jwts.SIG.HS256).compact();
        Stream<Arguments> strictness = raw().strictnessCases(now.getEpochSecond()).stream().map(Arguments::of);
        return Stream.concat(strictness, Stream.of(
                Arguments.of("alg none, unsigned", b64("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"key-1\"}") + "." + b64(payload) + "."),
                Arguments.of("alg none, signature kept", b64("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"key-1\"}") + "." + b64(payload) + "." + parts[2]),
                Arguments.of("HS256 keyed with the public key", hsConfusion),
                Arguments.of("RS256 by an attacker's key", valid().signWith(attackerRsa.getPrivate(), Jwts.SIG.RS256).compact()),
                Arguments.of("ES256 by an attacker's key, known kid", valid().signWith(attackerEc.getPrivate(), Jwts.SIG.ES256).compact()),
                Arguments.of("unknown kid", valid().header().keyId("key-unknown").and().signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("no kid", valid().header().keyId(null).and().signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("tampered payload", parts[0] + "." + b64(payload.replace("mallory", "admin")) + "." + parts[2]),
                Arguments.of("tampered signature", parts[0] + "." + parts[1] + "." + flipped(parts[2])),
                Arguments.of("expired", valid().expiration(Date.from(now.minus(Duration.ofMinutes(5))))
                        .signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("not yet valid", valid().notBefore(Date.from(now.plus(Duration.ofMinutes(5))))
                        .signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("no exp", valid().expiration(null).signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("wrong iss", valid().issuer("https://evil.example").signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("no iss", valid().issuer(null).signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("wrong aud", valid().audience().single("someone-else").signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("no aud", Jwts.builder().header().keyId(AuthServiceExtension.FIRST_KID).type("at+jwt").and()
                        .issuer(AuthServiceExtension.ISSUER).subject("mallory").id("x")
                        .expiration(Date.from(now.plusSeconds(300))).signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("oversized", valid().claim("padding", "x".repeat(10_000)).signWith(serviceKey, Jwts.SIG.ES256).compact()),
                Arguments.of("garbage", "not-a-jwt"),
                Arguments.of("two segments", parts[0] + "." + parts[1]),
                Arguments.of("invalid base64", "%%%." + parts[1] + "." + parts[2]),
                Arguments.of("header not JSON", b64("not json") + "." + parts[1] + "." + parts[2]),
                Arguments.of("payload not JSON", parts[0] + "." + b64("[1,2") + "." + parts[2]),
                Arguments.of("exp not a number", parts[0] + "." + b64(payload.replaceFirst("\"exp\":\\d+", "\"exp\":\"soon\"")) + "." + parts[2]),
                Arguments.of("JWE-shaped", parts[0] + "." + parts[1] + "." + parts[2] + ".a.b"),
                Arguments.of("critical header", b64("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"key-1\",\"crit\":[\"exp\"]}") + "." + parts[1] + "." + parts[2])));
    }

    /** Writes tokens byte for byte with the service's key (issue 12's strictness cases). */
    static RawJws raw() {
        return new RawJws(serviceKey, AuthServiceExtension.FIRST_KID, AuthServiceExtension.ISSUER,
                AuthServiceExtension.AUDIENCE);
    }

    private static byte[] padded(byte[] key) {
        return key.length >= 32 ? key : java.util.Arrays.copyOf(key, 32);
    }

    private static String flipped(String signature) {
        char first = signature.charAt(0);
        return (first == 'A' ? 'B' : 'A') + signature.substring(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void isRefusedWith401AndAProblem(String name, String token) {
        service.forwardAuthAskingForProblem(token)
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value("WWW-Authenticate", value -> assertThat(value).startsWith("Bearer"))
                .expectBody()
                .jsonPath("$.type").isEqualTo("https://gatehouse.dev/problems/invalid-token")
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.title").exists()
                .jsonPath("$.detail").exists();
    }

    /** A proxy (nginx's auth_request) never reads a body; one left unread would cost its connection. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void aProxyGets401WithTheReasonInTheChallengeAndNoBody(String name, String token) {
        service.forwardAuth(token)
                .expectStatus().isUnauthorized()
                .expectHeader().contentLength(0)
                .expectHeader().value("WWW-Authenticate", value -> assertThat(value)
                        .startsWith("Bearer error=\"invalid_token\", error_description=\"")
                        .matches("[\\x20-\\x7e]*"))
                .expectBody().isEmpty();
    }

    /** The control: the same builder signed correctly passes, so the cases above fail for their change. */
    @Test
    void theUnchangedTokenIsAccepted() {
        service.forwardAuth(valid().signWith(serviceKey, Jwts.SIG.ES256).compact()).expectStatus().isOk();
    }

    @Test
    void noBearerTokenIs401() {
        service.client().get().uri("/forward-auth").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals("WWW-Authenticate",
                        "Bearer error=\"invalid_token\", error_description=\"no bearer token\"")
                .expectBody().isEmpty();
    }

    /** Issue 12: a signed sub with CR, LF or NUL made forward-auth answer 500 and introspection "active". */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\\r", "\\n", "\\u0000", "\\r\\nX-Admin: yes"})
    void aSubjectThatCannotBeAHeaderIs401AndInactive(String control) {
        long now = Instant.now().getEpochSecond();
        RawJws raw = raw();
        String token = raw.sign(raw.header(), raw.payload(now, "\"mallory" + control + "\"", ""));
        service.forwardAuthAskingForProblem(token)
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.type").isEqualTo("https://gatehouse.dev/problems/invalid-token");
        service.postForm("/oauth2/introspect", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                        Map.of("token", token))
                .expectStatus().isOk()
                .expectBody().json("{\"active\":false}", true);
    }

    /** The control of the raw cases: the same bytes with a clean subject pass both. */
    @Test
    void theRawControlTokenIsAcceptedAndActive() {
        RawJws raw = raw();
        String token = raw.sign(raw.header(), raw.payload(Instant.now().getEpochSecond()));
        service.forwardAuth(token).expectStatus().isOk().expectHeader().valueEquals(ForwardAuthHandler.SUBJECT, "mallory");
        service.postForm("/oauth2/introspect", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                        Map.of("token", token))
                .expectStatus().isOk()
                .expectBody().jsonPath("$.active").isEqualTo(true);
    }

    @Test
    void introspectionCallsHostileTokensInactive() {
        String forged = valid().header().keyId("key-unknown").and().signWith(serviceKey, Jwts.SIG.ES256).compact();
        service.postForm("/oauth2/introspect", AuthServiceExtension.SERVICE_CLIENT, AuthServiceExtension.SERVICE_SECRET,
                        Map.of("token", forged))
                .expectStatus().isOk()
                .expectBody().json("{\"active\":false}", true);
    }
}
