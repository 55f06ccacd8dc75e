package dev.gatehouse.auth.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * ES256 tokens written byte for byte, for the strictness cases a JWT library will not build:
 * padded or non-canonical base64url, odd header and claim types. Each is validly signed over the
 * exact segments it carries, so a refusal is due to the strictness, not the signature.
 */
public final class RawJws {

    private final PrivateKey key;
    private final String kid;
    private final String issuer;
    private final String audience;

    public RawJws(PrivateKey key, String kid, String issuer, String audience) {
        this.key = key;
        this.kid = kid;
        this.issuer = issuer;
        this.audience = audience;
    }

    public static PrivateKey readPem(Path pem) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(Files.readString(pem).replaceAll("-----[A-Z ]+-----", ""));
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    public String header() {
        return "{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}";
    }

    /** The claims the service accepts, with {@code extra} (raw JSON members) appended. */
    public String payload(long now, String sub, String extra) {
        return "{\"iss\":\"" + issuer + "\",\"aud\":\"" + audience + "\",\"sub\":" + sub
                + ",\"jti\":\"j-" + System.nanoTime() + "\",\"iat\":" + now + ",\"exp\":" + (now + 300)
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    public String payload(long now) {
        return payload(now, "\"mallory\"", "");
    }

    /** Signs {@code headerSegment.payloadSegment} exactly as given. */
    public String signSegments(String headerSegment, String payloadSegment) {
        try {
            Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
            signer.initSign(key);
            String input = headerSegment + "." + payloadSegment;
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String sign(String headerJson, String payloadJson) {
        return signSegments(b64(headerJson), b64(payloadJson));
    }

    /**
     * The strictness cases of issue 12: each row a name and a token that must be refused. {@code now}
     * is the verifier's clock in epoch seconds.
     */
    public List<Object[]> strictnessCases(long now) {
        List<Object[]> cases = new ArrayList<>();
        String good = sign(header(), payload(now));
        String[] parts = good.split("\\.");
        cases.add(row("padded signature", good + "=="));
        // A header whose JSON length is not a multiple of 3 has padding in standard base64.
        String header = header();
        while (header.length() % 3 == 0) {
            header = header.replace("{", "{ ");
        }
        cases.add(row("padded header", signSegments(Base64.getUrlEncoder().encodeToString(
                header.getBytes(StandardCharsets.UTF_8)), parts[1])));
        // 64 signature bytes are 86 characters: the last carries 4 unused bits, which must be zero.
        cases.add(row("non-canonical trailing bits", parts[0] + "." + parts[1] + "."
                + parts[2].substring(0, 85) + next(parts[2].charAt(85))));
        cases.add(row("+ and / alphabet", standardAlphabet(now)));
        cases.add(row("whitespace in a segment", parts[0] + "." + parts[1] + "." + parts[2].substring(0, 40)
                + " " + parts[2].substring(40)));
        cases.add(row("exp as string", sign(header(), payload(now).replaceFirst("\"exp\":(\\d+)", "\"exp\":\"$1\""))));
        cases.add(row("exp as ISO date", sign(header(), payload(now).replaceFirst("\"exp\":\\d+",
                "\"exp\":\"2100-01-01T00:00:00Z\""))));
        cases.add(row("exp 1e30", sign(header(), payload(now).replaceFirst("\"exp\":\\d+", "\"exp\":1e30"))));
        cases.add(row("exp 10^30 as an integer", sign(header(), payload(now).replaceFirst("\"exp\":\\d+",
                "\"exp\":1000000000000000000000000000000"))));
        cases.add(row("nbf as string", sign(header(), payload(now, "\"mallory\"", "\"nbf\":\"" + (now - 10) + "\""))));
        cases.add(row("negative iat", sign(header(), payload(now).replaceFirst("\"iat\":\\d+", "\"iat\":-1"))));
        cases.add(row("crit empty", sign(header().replace("}", ",\"crit\":[]}"), payload(now))));
        cases.add(row("crit with an unknown name", sign(header().replace("}", ",\"x-gh\":1,\"crit\":[\"x-gh\"]}"),
                payload(now))));
        cases.add(row("crit naming an absent header", sign(header().replace("}", ",\"crit\":[\"x-gh\"]}"),
                payload(now))));
        cases.add(row("crit naming a registered header", sign(header().replace("}", ",\"crit\":[\"kid\"]}"),
                payload(now))));
        cases.add(row("typ missing", sign(header().replace("\"typ\":\"at+jwt\",", ""), payload(now))));
        cases.add(row("typ JWT", sign(header().replace("at+jwt", "JWT"), payload(now))));
        cases.add(row("duplicate claim", sign(header(), payload(now, "\"mallory\"", "\"sub\":\"admin\""))));
        cases.add(row("sub with CR", sign(header(), payload(now, "\"mallory\\r\"", ""))));
        cases.add(row("sub with LF", sign(header(), payload(now, "\"mallory\\nX-Admin: yes\"", ""))));
        cases.add(row("sub with NUL", sign(header(), payload(now, "\"mallory\\u0000\"", ""))));
        cases.add(row("scope with LF", sign(header(), payload(now, "\"mallory\"", "\"scope\":\"read\\nwrite\""))));
        cases.add(row("client_id with non-ASCII", sign(header(), payload(now, "\"mallory\"",
                "\"client_id\":\"caf\\u00e9\""))));
        return cases;
    }

    /** A token whose segments use {@code +} and {@code /}, signed over exactly those characters. */
    private String standardAlphabet(long now) {
        // '>' and '?' make '+' and '/' in standard base64; the payload carries them in a claim.
        for (int filler = 0; ; filler++) {
            String payload = payload(now, "\"mallory\"", "\"note\":\"" + "?>".repeat(3) + "x".repeat(filler) + "\"");
            String standard = Base64.getEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8));
            if (standard.contains("+") && standard.contains("/")) {
                return signSegments(b64(header()), standard);
            }
        }
    }

    private static char next(char c) {
        return c == 'z' ? '0' : c == '9' ? '-' : c == 'Z' ? 'a' : (char) (c + 1);
    }

    private static Object[] row(String name, String token) {
        return new Object[] {name, token};
    }
}
