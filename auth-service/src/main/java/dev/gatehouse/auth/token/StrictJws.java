package dev.gatehouse.auth.token;

import java.math.BigDecimal;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The syntax checks jjwt does not make, run before the signature is verified so a refusal costs a
 * few string checks (docs/auth-service.md, "Token strictness"):
 * <ul>
 * <li>three segments of canonical unpadded base64url (RFC 7515 §2): no {@code =}, {@code +},
 * {@code /} or whitespace, and non-zero trailing bits are refused, so one token has exactly one
 * string form and the verified-token cache (keyed by that string) cannot be bypassed;</li>
 * <li>header and payload are JSON objects without duplicate names;</li>
 * <li>{@code typ} is {@code at+jwt} or {@code application/at+jwt}, case-insensitively (RFC 9068 §4,
 * RFC 7515 §4.1.9);</li>
 * <li>{@code crit} per RFC 7515 §4.1.11: a non-empty list of distinct names, none a registered
 * header parameter, each present in the header, each understood; this verifier understands no
 * extension, so any {@code crit} that is well formed is refused too;</li>
 * <li>{@code exp}, {@code nbf}, {@code iat} are JSON numbers (not strings) within
 * 0 ≤ value ≤ {@value #MAX_NUMERIC_DATE} (3000-01-01T00:00:00Z);</li>
 * <li>{@code sub}, {@code client_id}, {@code scope}, {@code jti} are strings that can be HTTP
 * header values ({@link IdentityClaims}); {@code sub} and {@code jti} are not empty.</li>
 * </ul>
 */
final class StrictJws {

    /** 3000-01-01T00:00:00Z in seconds: far beyond any real token, far below 2^53. */
    static final long MAX_NUMERIC_DATE = 32_503_680_000L;
    static final Set<String> TYPES = Set.of("at+jwt", "application/at+jwt");
    /** RFC 7515 §4.1 and RFC 7519 §5: these may not be listed in {@code crit}. */
    static final Set<String> REGISTERED_HEADERS =
            Set.of("alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit");
    /** Extensions this verifier implements: none. */
    static final Set<String> UNDERSTOOD_CRITICAL = Set.of();
    private static final BigDecimal MAX = BigDecimal.valueOf(MAX_NUMERIC_DATE);
    private static final String[] NUMERIC_DATES = {"exp", "nbf", "iat"};

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private StrictJws() {
    }

    static void check(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw new InvalidTokenException("malformed token: a JWS has three segments");
        }
        JsonNode header = json(decode(token, 0, first, "header"), "header");
        JsonNode payload = json(decode(token, first + 1, second, "payload"), "payload");
        decode(token, second + 1, token.length(), "signature");
        checkHeader(header);
        checkPayload(payload);
    }

    /** Canonical unpadded base64url of {@code token[from, to)}, decoded. */
    static byte[] decode(String token, int from, int to, String segment) {
        int length = to - from;
        if (length == 0 || length % 4 == 1) {
            throw new InvalidTokenException("malformed token: " + segment + " is not base64url");
        }
        int last = 0;
        for (int i = from; i < to; i++) {
            last = value(token.charAt(i));
            if (last < 0) {
                throw new InvalidTokenException("malformed token: " + segment
                        + " is not unpadded base64url (RFC 7515 §2)");
            }
        }
        // 2 characters left over carry 1 byte (4 unused bits), 3 carry 2 bytes (2 unused bits).
        int unusedBits = switch (length % 4) {
            case 2 -> 0x0F;
            case 3 -> 0x03;
            default -> 0;
        };
        if ((last & unusedBits) != 0) {
            throw new InvalidTokenException("malformed token: " + segment + " is not canonical base64url");
        }
        return Base64.getUrlDecoder().decode(token.substring(from, to));
    }

    private static int value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '-') {
            return 62;
        }
        return c == '_' ? 63 : -1;
    }

    private static JsonNode json(byte[] bytes, String segment) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new InvalidTokenException("malformed token: " + segment + " is not a JSON object");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidTokenException("malformed token: " + segment + " is not a JSON object");
        }
        return node;
    }

    private static void checkHeader(JsonNode header) {
        JsonNode typ = header.get("typ");
        if (typ == null || !typ.isString() || !TYPES.contains(typ.stringValue().toLowerCase(java.util.Locale.ROOT))) {
            throw new InvalidTokenException("header typ must be at+jwt (RFC 9068)");
        }
        JsonNode crit = header.get("crit");
        if (crit == null) {
            return;
        }
        if (!crit.isArray() || crit.isEmpty()) {
            throw new InvalidTokenException("header crit must be a non-empty list (RFC 7515 §4.1.11)");
        }
        Set<String> seen = new HashSet<>();
        for (JsonNode name : crit) {
            if (!name.isString() || !seen.add(name.stringValue())) {
                throw new InvalidTokenException("header crit must list distinct names (RFC 7515 §4.1.11)");
            }
            String value = name.stringValue();
            if (REGISTERED_HEADERS.contains(value)) {
                throw new InvalidTokenException("header crit names the registered parameter " + value);
            }
            if (!header.has(value)) {
                throw new InvalidTokenException("header crit names a parameter the header lacks");
            }
            if (!UNDERSTOOD_CRITICAL.contains(value)) {
                throw new InvalidTokenException("header crit names an extension this service does not understand");
            }
        }
    }

    private static boolean inRange(JsonNode number) {
        try {
            BigDecimal seconds = number.decimalValue();
            return seconds.signum() >= 0 && seconds.compareTo(MAX) <= 0;
        } catch (RuntimeException e) {
            return false; // not representable (an infinite double): out of range either way
        }
    }

    private static void checkPayload(JsonNode payload) {
        for (String name : NUMERIC_DATES) {
            JsonNode date = payload.get(name);
            if (date == null) {
                continue;
            }
            if (!date.isNumber()) {
                throw new InvalidTokenException("claim " + name + " must be a number of seconds (RFC 7519 NumericDate)");
            }
            if (!inRange(date)) {
                throw new InvalidTokenException("claim " + name + " is out of range");
            }
        }
        for (String name : IdentityClaims.NAMES) {
            JsonNode claim = payload.get(name);
            if (claim == null) {
                continue;
            }
            if (!claim.isString()) {
                throw new InvalidTokenException("claim " + name + " must be a string");
            }
            String value = claim.stringValue();
            boolean required = name.equals(IdentityClaims.SUBJECT) || name.equals(IdentityClaims.TOKEN_ID);
            if ((required && value.isEmpty()) || !IdentityClaims.isHeaderSafe(value)) {
                throw new InvalidTokenException("claim " + name
                        + " must be printable ASCII without leading or trailing space");
            }
        }
    }
}
