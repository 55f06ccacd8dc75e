package dev.gatehouse.auth.web;

import com.code_intelligence.jazzer.junit.FuzzTest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API's JSON binding on arbitrary bytes (docs/testing.md, "Fuzz tests"): the body of
 * {@code POST /admin/users}, read into {@link AdminHandler.NewUser} the way WebFlux reads it (Jackson
 * 3, {@code spring.jackson.property-naming-strategy: SNAKE_CASE}), is a record or a
 * {@link JacksonException} (a 400); anything else is a finding.
 */
class AdminJsonFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    @FuzzTest(maxDuration = "10s")
    void newUser(byte[] body) {
        try {
            AdminHandler.NewUser user = JSON.readValue(body, AdminHandler.NewUser.class);
            if (user != null) {
                user.toString();
            }
        } catch (JacksonException refused) {
            // the documented outcome for a body that is not a NewUser
        }
    }
}
