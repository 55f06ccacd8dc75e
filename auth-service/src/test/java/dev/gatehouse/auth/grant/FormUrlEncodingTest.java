package dev.gatehouse.auth.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormUrlEncodingTest {

    @Test
    void decodesPlusAndEscapes() throws Exception {
        assertThat(FormUrlEncoding.decode("a+b%20c%2Bd%3A%25")).isEqualTo("a b c+d:%");
        assertThat(FormUrlEncoding.decode("caf%C3%A9")).isEqualTo("café");
        assertThat(FormUrlEncoding.decode("")).isEmpty();
        assertThat(FormUrlEncoding.decode("plain")).isEqualTo("plain");
    }

    // After '%' only ASCII hex digits: not é, nor the fullwidth or Arabic-Indic digits.
    @ParameterizedTest
    @ValueSource(strings = {"%zz", "abc%", "%", "%4", "%4g", "x%G0y", "%C0%AF", "%FF", "%C3",
        "%\u00e90", "%\uff11\uff10", "%\u0661\u0660"})
    void refusesMalformedInputWithAMessageThatQuotesNone(String encoded) {
        assertThatThrownBy(() -> FormUrlEncoding.decode("secretpart" + encoded))
                .isInstanceOf(FormUrlEncoding.Malformed.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretpart").doesNotContain(encoded));
    }

    /** The plain-ASCII shortcut and the decoding path must agree on every kind of input. */
    @Test
    void decodesRawBytesOfARangeWithAndWithoutTheAsciiShortcut() throws Exception {
        byte[] body = "xx=ab.c-_~&y=caf\u00e9&z=%41+B".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(FormUrlEncoding.decode(body, 3, 10)).isEqualTo("ab.c-_~");
        assertThat(FormUrlEncoding.decode(body, 13, 18)).isEqualTo("caf\u00e9");
        assertThat(FormUrlEncoding.decode(body, 21, body.length)).isEqualTo("A B");
        assertThat(FormUrlEncoding.decode(body, 3, 3)).isEmpty();
        assertThat(FormUrlEncoding.decode("caf\u00e9 \u20ac")).isEqualTo("caf\u00e9 \u20ac");
        assertThat(FormUrlEncoding.utf8("plain".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo("plain");
        assertThat(FormUrlEncoding.utf8(new byte[] {(byte) 0xC3, (byte) 0xA9})).isEqualTo("\u00e9");
    }

    @Test
    void refusesRawInvalidUtf8WithoutAnyEscape() {
        byte[] raw = {'a', (byte) 0xFF, 'b'};
        assertThatThrownBy(() -> FormUrlEncoding.decode(raw, 0, raw.length)).isInstanceOf(FormUrlEncoding.Malformed.class);
        assertThatThrownBy(() -> FormUrlEncoding.utf8(raw)).isInstanceOf(FormUrlEncoding.Malformed.class);
        byte[] truncated = {'a', (byte) 0xC3};
        assertThatThrownBy(() -> FormUrlEncoding.utf8(truncated)).isInstanceOf(FormUrlEncoding.Malformed.class);
    }
}
