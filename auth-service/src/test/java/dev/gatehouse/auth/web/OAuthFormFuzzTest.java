package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.auth.grant.GrantException;
import java.util.Map;

/**
 * The form decoder on arbitrary bytes (docs/testing.md, "Fuzz tests"): {@link OAuthForm#parse}
 * of a form-urlencoded body returns at most {@value OAuthForm#MAX_PARAMETERS} parameters or throws its documented
 * {@link GrantException} (400 {@code invalid_request}); anything else is a finding.
 */
class OAuthFormFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] body) {
        Map<String, String> form;
        try {
            form = OAuthForm.parse("application/x-www-form-urlencoded", body);
        } catch (GrantException refused) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.error()).isEqualTo("invalid_request");
            return;
        }
        assertThat(form.size()).isLessThanOrEqualTo(OAuthForm.MAX_PARAMETERS);
        form.forEach((name, value) -> assertThat(value).isNotNull());
    }
}
