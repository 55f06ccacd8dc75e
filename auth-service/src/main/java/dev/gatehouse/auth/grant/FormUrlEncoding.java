package dev.gatehouse.auth.grant;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict {@code application/x-www-form-urlencoded} decoding (WHATWG URL "urlencoded parsing",
 * which RFC 6749 §2.3.1 and §3.2 refer to through HTML 4.01): {@code +} is a space, {@code %XX}
 * a byte, and the bytes must be UTF-8. Unlike {@link java.net.URLDecoder} it never throws an
 * unchecked exception and never quotes its input: a malformed escape or invalid UTF-8 is
 * {@link Malformed}, whose message is fixed, so a secret that fails to decode is neither logged
 * nor echoed.
 */
public final class FormUrlEncoding {

    private FormUrlEncoding() {
    }

    /** The input is not form-urlencoded UTF-8; the message never holds any of the input. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public static String decode(String encoded) throws Malformed {
        if (isPlainAscii(encoded)) {
            return encoded;
        }
        byte[] bytes = encoded.getBytes(StandardCharsets.UTF_8);
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes {@code bytes[from, to)}. What clients send (ids, secrets, tokens) is nearly always
     * ASCII without an escape: that is copied once, with no decoder and no intermediate buffers,
     * which were most of what introspection allocated (docs/benchmarks.md, issue 12).
     */
    public static String decode(byte[] bytes, int from, int to) throws Malformed {
        if (isPlainAscii(bytes, from, to)) {
            return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
        }
        byte[] decoded = new byte[to - from];
        int length = 0;
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '+') {
                decoded[length++] = ' ';
            } else if (b == '%') {
                // A byte as an int code point: only ASCII 0-9, a-f, A-F are hex digits, a byte
                // above 0x7f is negative and no digit.
                int high = i + 1 < to ? Character.digit(bytes[i + 1], 16) : -1;
                int low = i + 2 < to ? Character.digit(bytes[i + 2], 16) : -1;
                if (high < 0 || low < 0) {
                    throw new Malformed("malformed percent-escape");
                }
                decoded[length++] = (byte) (high << 4 | low);
                i += 2;
            } else {
                decoded[length++] = b;
            }
        }
        return utf8(decoded, length);
    }

    /** Strict UTF-8: invalid sequences are {@link Malformed}, not replacement characters. */
    public static String utf8(byte[] bytes) throws Malformed {
        return utf8(bytes, bytes.length);
    }

    private static String utf8(byte[] bytes, int length) throws Malformed {
        if (isAscii(bytes, length)) {
            return new String(bytes, 0, length, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed("not UTF-8");
        }
    }

    /** ASCII (hence UTF-8) with nothing to decode: no {@code %}, no {@code +}. */
    private static boolean isPlainAscii(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b < 0 || b == '%' || b == '+') {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || c == '%' || c == '+') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }
}
