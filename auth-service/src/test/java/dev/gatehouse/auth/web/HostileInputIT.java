package dev.gatehouse.auth.web;

import static dev.gatehouse.auth.support.AuthServiceExtension.ADMIN_TOKEN;
import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_CLIENT;
import static dev.gatehouse.auth.support.AuthServiceExtension.SERVICE_SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.gatehouse.auth.support.AuthServiceExtension;
import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile input of every kind a client controls (HTTP Basic credentials, form bodies, headers,
 * admin JSON, path variables) is a 400/401/413/415 with a readable body, never a 500; and while
 * the table runs, the service logs no ERROR, no stack trace and no byte of any secret presented.
 *
 * <p>Requests go over a plain socket, so nothing (no client library) fixes them up on the way:
 * duplicate headers, missing Content-Type, invalid UTF-8 and undecodable paths reach the service
 * as written.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    private static final String TOKEN = "/oauth2/token";
    private static final String REVOKE = "/oauth2/revoke";
    private static final String INTROSPECT = "/oauth2/introspect";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The expectation of a request refused before any route: a bare 400. */
    private static final String NO_BODY = "(no body)";

    /** Every secret a row presents; none may appear in a log line or a response body. */
    private static final List<String> SECRETS = new ArrayList<>();
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static PrivateKey serviceKey;

    /** A distinctive secret: 24 letters none of which is a hex digit, so no log text matches it by chance. */
    private static String secret() {
        String letters = "ghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ";
        SecureRandom random = new SecureRandom();
        StringBuilder secret = new StringBuilder("Zq");
        for (int i = 0; i < 22; i++) {
            secret.append(letters.charAt(random.nextInt(letters.length())));
        }
        SECRETS.add(secret.toString());
        return secret.toString();
    }

    @BeforeAll
    static void captureTheServiceLog() throws Exception {
        String pem = Files.readString(service.keysDir().resolve(AuthServiceExtension.FIRST_KID + ".pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        serviceKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LOG.setContext(context);
        LOG.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(LOG);
        // Our own debug lines are checked too: a client error may be logged there, but without its secrets.
        context.getLogger("dev.gatehouse").setLevel(Level.DEBUG);
    }

    @AfterAll
    static void stopCapturing() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(LOG);
        context.getLogger("dev.gatehouse").setLevel(null);
    }

    /** One hostile request: what is sent, and the status and {@code error} / problem type expected. */
    record Row(String name, String method, String path, List<String> headers, byte[] body, int status, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static String basic(String credentials) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static String basic(byte[] credentials) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString(credentials);
    }

    private static final String GOOD_BASIC = basic(SERVICE_CLIENT + ":" + SERVICE_SECRET);

    private static Arguments row(String name, String method, String path, List<String> headers, String body,
                                 int status, String expected) {
        return row(name, method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8), status, expected);
    }

    private static Arguments row(String name, String method, String path, List<String> headers, byte[] body,
                                 int status, String expected) {
        return Arguments.of(new Row(name, method, path, headers, body, status, expected));
    }

    /** An OAuth-endpoint row with a form body. */
    private static Arguments form(String name, String path, String authorization, String body, int status, String error) {
        List<String> headers = new ArrayList<>();
        if (authorization != null) {
            headers.add(authorization);
        }
        headers.add("Content-Type: " + FORM);
        return row(name, "POST", path, headers, body, status, error);
    }

    private static String token(JwtBuilder builder) {
        return builder.signWith(serviceKey, Jwts.SIG.ES256).compact();
    }

    private static JwtBuilder signed(String subject) {
        Instant now = Instant.now();
        return Jwts.builder().header().keyId(AuthServiceExtension.FIRST_KID).and()
                .issuer(AuthServiceExtension.ISSUER).audience().add(AuthServiceExtension.AUDIENCE).and()
                .subject(subject).id(UUID.randomUUID().toString())
                .issuedAt(Date.from(now)).expiration(Date.from(now.plus(Duration.ofMinutes(5))));
    }

    static Stream<Arguments> hostileInputs() {
        String admin = "Authorization: Bearer " + ADMIN_TOKEN;
        String json = "Content-Type: application/json";
        List<Arguments> rows = new ArrayList<>();

        // HTTP Basic credentials (RFC 6749 §2.3.1): every malformed one is 401 invalid_client.
        rows.add(form("basic: demo:%zz on token", TOKEN, basic("demo:%zz"), "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: demo:abc% on token", TOKEN, basic("demo:abc%"), "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: %zz then a secret on revoke", REVOKE, basic("demo:%zz" + secret()), "token=x", 401, "invalid_client"));
        rows.add(form("basic: secret then % on introspect", INTROSPECT, basic(SERVICE_CLIENT + ":" + secret() + "%"), "token=x", 401, "invalid_client"));
        rows.add(form("basic: secret with %z in the middle on introspect", INTROSPECT, basic(SERVICE_CLIENT + ":" + secret() + "%z" + secret()), "token=x", 401, "invalid_client"));
        rows.add(form("basic: malformed escape in the client id", TOKEN, basic("%g0:" + secret()), "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: escape of invalid UTF-8", TOKEN, basic(SERVICE_CLIENT + ":%C0%AF" + secret()), "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: not base64", TOKEN, "Authorization: Basic !!" + secret() + "!!", "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: empty credentials", TOKEN, "Authorization: Basic ", "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: no colon", TOKEN, basic(secret()), "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: raw bytes not UTF-8", TOKEN, basic(new byte[] {(byte) 0xff, (byte) 0xfe, ':', (byte) 0xc0, 'x'}), "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: scheme without credentials", TOKEN, "Authorization: Basic", "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: bearer scheme on the token endpoint", TOKEN, "Authorization: Bearer " + secret(), "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: odd scheme", TOKEN, "Authorization: Digest username=\"" + secret() + "\"", "grant_type=client_credentials", 401, "invalid_client"));
        rows.add(form("basic: and client_secret in the form", TOKEN, GOOD_BASIC, "grant_type=client_credentials&client_secret=" + secret(), 400, "invalid_request"));
        rows.add(row("basic: two Authorization headers", "POST", TOKEN,
                List.of(GOOD_BASIC, basic("demo:" + secret()), "Content-Type: " + FORM), "grant_type=client_credentials", 400, "invalid_request"));
        rows.add(form("basic: two Authorization headers on introspect", INTROSPECT, GOOD_BASIC + "\r\n" + GOOD_BASIC, "token=x", 400, "invalid_request"));

        // Form bodies.
        rows.add(form("form: malformed escape in the password", TOKEN, GOOD_BASIC, "grant_type=password&username=u&password=" + secret() + "%zz", 400, "invalid_request"));
        rows.add(form("form: lone % in grant_type", TOKEN, GOOD_BASIC, "grant_type=%", 400, "invalid_request"));
        rows.add(form("form: malformed escape on revoke", REVOKE, GOOD_BASIC, "token=" + secret() + "%4", 400, "invalid_request"));
        rows.add(form("form: malformed escape on introspect", INTROSPECT, GOOD_BASIC, "token=" + secret() + "%z", 400, "invalid_request"));
        rows.add(form("form: duplicate grant_type", TOKEN, GOOD_BASIC, "grant_type=client_credentials&grant_type=password", 400, "invalid_request"));
        rows.add(form("form: duplicate token on revoke", REVOKE, GOOD_BASIC, "token=a&token=b", 400, "invalid_request"));
        rows.add(form("form: duplicate client_id", INTROSPECT, null, "client_id=a&client_id=b&client_secret=" + secret() + "&token=x", 400, "invalid_request"));
        rows.add(form("form: escape of invalid UTF-8", TOKEN, GOOD_BASIC, "grant_type=client_credentials&scope=%FF%FE", 400, "invalid_request"));
        rows.add(form("form: empty parameter name", TOKEN, GOOD_BASIC, "grant_type=client_credentials&=x", 400, "invalid_request"));
        rows.add(form("form: too many parameters", TOKEN, GOOD_BASIC, "grant_type=client_credentials"
                + String.join("", java.util.stream.IntStream.range(0, 80).mapToObj(i -> "&p" + i + "=1").toList()), 400, "invalid_request"));
        ByteArrayOutputStream rawBytes = new ByteArrayOutputStream();
        rawBytes.writeBytes("grant_type=client_credentials&scope=".getBytes(StandardCharsets.US_ASCII));
        rawBytes.writeBytes(new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xc3});
        rows.add(row("form: raw bytes not UTF-8", "POST", TOKEN, List.of(GOOD_BASIC, "Content-Type: " + FORM), rawBytes.toByteArray(), 400, "invalid_request"));
        rows.add(row("form: no Content-Type", "POST", TOKEN, List.of(GOOD_BASIC), "grant_type=client_credentials", 400, "invalid_request"));
        rows.add(row("form: no Content-Type on introspect", "POST", INTROSPECT, List.of(GOOD_BASIC), "token=x", 400, "invalid_request"));
        rows.add(row("form: JSON instead of a form", "POST", TOKEN, List.of(GOOD_BASIC, json), "{\"grant_type\":\"client_credentials\"}", 400, "invalid_request"));
        rows.add(row("form: unparsable Content-Type", "POST", REVOKE, List.of(GOOD_BASIC, "Content-Type: ;;;==="), "token=x", 400, "invalid_request"));
        rows.add(row("form: unknown charset", "POST", TOKEN, List.of(GOOD_BASIC, "Content-Type: " + FORM + "; charset=no-such-charset"), "grant_type=client_credentials", 400, "invalid_request"));
        rows.add(row("form: charset other than UTF-8", "POST", INTROSPECT, List.of(GOOD_BASIC, "Content-Type: " + FORM + "; charset=ISO-8859-1"), "token=x", 400, "invalid_request"));
        rows.add(row("form: huge Content-Type", "POST", TOKEN, List.of(GOOD_BASIC, "Content-Type: text/plain; x=" + "a".repeat(12_000)), "grant_type=client_credentials", 400, "invalid_request"));
        rows.add(form("form: body over the limit", TOKEN, GOOD_BASIC, "grant_type=client_credentials&scope=" + "a".repeat(70 * 1024), 413, "invalid_request"));
        rows.add(form("form: body over the limit on introspect", INTROSPECT, GOOD_BASIC, "token=" + "a".repeat(70 * 1024), 413, "invalid_request"));
        rows.add(row("form: no body, no Content-Type, no credentials", "POST", REVOKE, List.of(), (byte[]) null, 401, "invalid_client"));

        // Bearer headers: forward-auth, logout and the admin API.
        rows.add(row("bearer: none", "GET", "/forward-auth", List.of(), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: empty", "GET", "/forward-auth/x", List.of("Authorization: Bearer "), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: scheme only", "GET", "/forward-auth/x", List.of("Authorization: Bearer"), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: Basic instead", "GET", "/forward-auth/x", List.of(basic("a:" + secret())), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: odd scheme", "GET", "/forward-auth/x", List.of("Authorization: Negotiate " + secret()), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: two Authorization headers", "GET", "/forward-auth/x",
                List.of("Authorization: Bearer " + secret(), "Authorization: Bearer " + secret()), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: token with spaces", "GET", "/forward-auth/x", List.of("Authorization: Bearer " + secret() + " " + secret()), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: on logout", "POST", "/oauth2/logout", List.of("Authorization: Bearer " + secret()), (byte[]) null, 401, "invalid-token"));
        rows.add(row("bearer: wrong admin token", "GET", "/admin/users/ivan", List.of("Authorization: Bearer " + secret()), (byte[]) null, 401, "unauthorized"));
        rows.add(row("bearer: admin token twice", "GET", "/admin/users/ivan", List.of(admin, admin), (byte[]) null, 401, "invalid-token"));

        // Identity headers: validly signed tokens whose claims are no valid header value.
        rows.add(row("identity: CRLF in sub", "GET", "/forward-auth/x",
                List.of("Authorization: Bearer " + token(signed("mallory\r\nX-Auth-Subject: admin"))), (byte[]) null, 401, "invalid-token"));
        rows.add(row("identity: LF in sub", "GET", "/forward-auth/x",
                List.of("Authorization: Bearer " + token(signed("mallory\nadmin"))), (byte[]) null, 401, "invalid-token"));
        rows.add(row("identity: NUL in sub", "GET", "/forward-auth/x",
                List.of("Authorization: Bearer " + token(signed("mallory\u0000"))), (byte[]) null, 401, "invalid-token"));
        rows.add(row("identity: trailing space in sub", "GET", "/forward-auth/x",
                List.of("Authorization: Bearer " + token(signed("admin "))), (byte[]) null, 401, "invalid-token"));
        rows.add(row("identity: CR in scope", "GET", "/forward-auth/x",
                List.of("Authorization: Bearer " + token(signed("mallory").claim("scope", "read\rwrite"))), (byte[]) null, 401, "invalid-token"));
        rows.add(row("identity: LF in client_id", "GET", "/forward-auth/x",
                List.of("Authorization: Bearer " + token(signed("mallory").claim("client_id", "web\napp"))), (byte[]) null, 401, "invalid-token"));

        // Admin JSON.
        rows.add(row("json: malformed", "POST", "/admin/users", List.of(admin, json), "{\"username\":\"eve\",\"password\":\"" + secret(), 400, "bad-request"));
        rows.add(row("json: not an object", "POST", "/admin/users", List.of(admin, json), "[1,2,3]", 400, "bad-request"));
        rows.add(row("json: wrong type", "POST", "/admin/users", List.of(admin, json), "{\"username\":[\"eve\"],\"password\":\"" + secret() + "\"}", 400, "bad-request"));
        rows.add(row("json: number for a string", "POST", "/admin/users", List.of(admin, json), "{\"username\":\"eve1\",\"password\":12345678901}", 400, "bad-request"));
        rows.add(row("json: huge number", "POST", "/admin/users", List.of(admin, json), "{\"username\":\"eve2\",\"password\":1" + "0".repeat(5000) + "}", 400, "bad-request"));
        rows.add(row("json: huge exponent", "POST", "/admin/users", List.of(admin, json), "{\"username\":\"eve3\",\"password\":1e999999999}", 400, "bad-request"));
        rows.add(row("json: null body", "POST", "/admin/users", List.of(admin, json), "null", 400, "bad-request"));
        rows.add(row("json: null fields", "POST", "/admin/users", List.of(admin, json), "{\"username\":null,\"password\":null}", 400, "bad-request"));
        rows.add(row("json: duplicate keys", "POST", "/admin/users", List.of(admin, json),
                "{\"username\":\"eve4\",\"password\":\"" + secret() + "\",\"username\":\"root\"}", 400, "bad-request"));
        rows.add(row("json: deep nesting", "POST", "/admin/users", List.of(admin, json), "[".repeat(5000) + "]".repeat(5000), 400, "bad-request"));
        rows.add(row("json: raw bytes not UTF-8", "POST", "/admin/users", List.of(admin, json),
                new byte[] {'{', '"', 'u', 's', 'e', 'r', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xc3, '"', '}'}, 400, "bad-request"));
        rows.add(row("json: no Content-Type", "POST", "/admin/users", List.of(admin), "{\"username\":\"eve5\",\"password\":\"" + secret() + "\"}", 415, "unsupported-media-type"));
        rows.add(row("json: bad username", "POST", "/admin/users", List.of(admin, json), "{\"username\":\"eve\\r\\nx\",\"password\":\"" + secret() + "\"}", 400, "bad-request"));

        // Path variables.
        rows.add(row("path: %2F in a username", "GET", "/admin/users/a%2Fb", List.of(admin), (byte[]) null, 400, "bad-request"));
        rows.add(row("path: dot segments encoded", "DELETE", "/admin/users/..%2F..%2Froot", List.of(admin), (byte[]) null, 400, "bad-request"));
        // Not a URI at all: Spring's Reactor Netty adapter answers 400 before any route runs, with no body.
        rows.add(row("path: malformed escape", "GET", "/admin/users/%zz", List.of(admin), (byte[]) null, 400, NO_BODY));
        rows.add(row("path: NUL", "POST", "/admin/users/a%00/disable", List.of(admin), (byte[]) null, 400, "bad-request"));
        rows.add(row("path: non-ASCII letter", "GET", "/admin/users/%C3%A9ve", List.of(admin), (byte[]) null, 400, "bad-request"));
        rows.add(row("path: right-to-left override", "POST", "/admin/users/%E2%80%AEeve/logout", List.of(admin), (byte[]) null, 400, "bad-request"));
        rows.add(row("path: invalid UTF-8", "GET", "/admin/users/%C0%AF", List.of(admin), (byte[]) null, 400, "bad-request"));
        rows.add(row("path: too long", "GET", "/admin/users/" + "a".repeat(300), List.of(admin), (byte[]) null, 400, "bad-request"));
        return rows.stream();
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void isAClientErrorWithAReadableBody(Row row) throws IOException {
        int logged = LOG.list.size();
        Response response = send(row);

        assertThat(response.status()).as(row.name() + ": " + response).isEqualTo(row.status());
        assertThat(response.body()).doesNotContain(SECRETS.toArray(String[]::new));
        if (row.expected().equals(NO_BODY)) {
            assertThat(response.body()).as(row.name() + ": " + response).isEmpty();
            assertCleanLog(LOG.list.subList(logged, LOG.list.size()));
            return;
        }
        if (ForwardAuthHandler.serves(row.path())) {
            // A proxy reads no body: the reason is in the challenge, in RFC 6750's characters.
            assertThat(response.body()).as(row.name() + ": " + response).isEmpty();
            assertThat(response.header("www-authenticate")).as(row.name() + ": " + response)
                    .startsWith("Bearer error=\"" + row.expected().replace('-', '_') + "\", error_description=\"")
                    .matches("[\\x20-\\x7E]+")
                    .doesNotContain(SECRETS.toArray(String[]::new));
            assertCleanLog(LOG.list.subList(logged, LOG.list.size()));
            return;
        }
        JsonNode body = JSON.readTree(response.body());
        boolean oauth = row.path().equals(TOKEN) || row.path().equals(REVOKE) || row.path().equals(INTROSPECT);
        if (oauth) {
            // RFC 6749 §5.2: plain JSON with error and error_description, and the problem members beside them.
            assertThat(response.header("content-type")).as(row.name() + ": " + response).startsWith("application/json");
            assertThat(body.path("error").asString()).as(row.name() + ": " + response).isEqualTo(row.expected());
            assertThat(body.path("error_description").asString()).isNotBlank().matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+");
            assertThat(body.path("type").asString()).startsWith("https://gatehouse.dev/problems/");
            assertThat(body.path("status").asInt()).isEqualTo(row.status());
            assertThat(body.path("title").asString()).isNotBlank();
            if (row.status() == 401) {
                assertThat(response.header("www-authenticate")).startsWith("Basic");
            }
        } else {
            assertThat(response.header("content-type")).as(row.name() + ": " + response).startsWith("application/problem+json");
            assertThat(body.path("type").asString()).as(row.name() + ": " + response)
                    .isEqualTo("https://gatehouse.dev/problems/" + row.expected());
            assertThat(body.path("status").asInt()).isEqualTo(row.status());
        }
        assertCleanLog(LOG.list.subList(logged, LOG.list.size()));
    }

    /** After the table: the whole captured log, including lines written after a response went out. */
    @Order(2)
    @Test
    void theLogHoldsNoErrorNoStackTraceAndNoSecret() {
        assertThat(SECRETS).hasSizeGreaterThan(20);
        assertCleanLog(LOG.list);
    }

    /**
     * Netty's leak detector reports, whenever a garbage collection happens to find them, buffers
     * that earlier test classes of this JVM leaked (HTTP request contents on the server and HTTP
     * client responses, before this class was written too: a known problem, noted for its own fix).
     * Such a line says nothing about the request at hand, so it is not counted as this test's ERROR;
     * it is still searched for secrets.
     */
    private static final String LEAK_DETECTOR = "io.netty.util.ResourceLeakDetector";

    private static void assertCleanLog(List<ILoggingEvent> events) {
        for (ILoggingEvent event : List.copyOf(events)) {
            String line = event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(event.getThrowableProxy()));
            if (!LEAK_DETECTOR.equals(event.getLoggerName())) {
                assertThat(event.getLevel()).as(line).isNotEqualTo(Level.ERROR);
            }
            assertThat(event.getThrowableProxy()).as(line).isNull();
            for (String secret : SECRETS) {
                // Not even 8 characters of a secret: an exception message may quote a piece of it.
                for (int i = 0; i + 8 <= secret.length(); i++) {
                    assertThat(line).as("a piece of a presented secret in the log").doesNotContain(secret.substring(i, i + 8));
                }
            }
        }
    }

    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.getOrDefault(name, "");
        }
    }

    /** One request on its own connection, written byte for byte, read to the end. */
    private static Response send(Row row) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", service.port())) {
            socket.setSoTimeout(15_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            StringBuilder head = new StringBuilder(row.method() + " " + row.path() + " HTTP/1.1\r\nHost: gatehouse.test\r\nConnection: close\r\n");
            row.headers().forEach(header -> head.append(header).append("\r\n"));
            if (row.body() != null) {
                head.append("Content-Length: ").append(row.body().length).append("\r\n");
            }
            head.append("\r\n");
            request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            if (row.body() != null) {
                request.writeBytes(row.body());
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String body = text.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                body = dechunked(body);
            }
            return new Response(Integer.parseInt(lines[0].substring(9, 12)), headers,
                    new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
    }

    private static String dechunked(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";", 2)[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
