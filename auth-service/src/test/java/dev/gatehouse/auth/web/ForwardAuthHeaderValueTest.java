package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForwardAuthHeaderValueTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice", "svc:billing", "read write invoices", "a@b.example", "7b1d12b8-5887-4de7-a343", ""})
    void visibleAsciiWithInnerSpacesIsAHeaderValue(String value) {
        assertThat(ForwardAuthHandler.isHeaderValue(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000", "a\tb", "\u007f", "caf\u00e9", "\u202eadmin",
            " admin", "admin ", "\u65e5\u672c"})
    void controlCharactersNonAsciiAndOuterSpacesAreNot(String value) {
        assertThat(ForwardAuthHandler.isHeaderValue(value)).isFalse();
    }
}
