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

    @ParameterizedTest
    @ValueSource(strings = {"%zz", "abc%", "%", "%4", "%4g", "x%G0y", "%C0%AF", "%FF", "%C3"})
    void refusesMalformedInputWithAMessageThatQuotesNone(String encoded) {
        assertThatThrownBy(() -> FormUrlEncoding.decode("secretpart" + encoded))
                .isInstanceOf(FormUrlEncoding.Malformed.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secretpart").doesNotContain(encoded));
    }
}
