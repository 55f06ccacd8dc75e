package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.Recipes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.HttpHeaders;
import org.yaml.snakeyaml.Yaml;

/**
 * The Envoy recipe of examples/envoy/ext-authz.yaml, checked as written against Envoy's own API:
 * the go-control-plane probe of src/test/go/envoy-bootstrap parses it as a v3 Bootstrap (unknown
 * fields and unknown typed_config types refused), runs Envoy's protoc-gen-validate rules on it and
 * on every typed_config, and refuses deprecated fields. No Envoy runs here (none is packaged where
 * our machines can install from), so what the settings do is not shown by this test; that the
 * recipe names Gatehouse's own path and headers is.
 */
class EnvoyRecipeIT {

    private static final Path RECIPE = Path.of("..", "examples", "envoy", "ext-authz.yaml");

    @TempDir
    Path dir;

    @Test
    void theRecipeAsWrittenIsAValidEnvoyBootstrap() throws Exception {
        Probe probe = probe(RECIPE);

        assertThat(probe.exitCode()).as(probe.output()).isZero();
        // HCM, header_mutation, ext_authz, router: each unpacked and validated, none skipped.
        assertThat(probe.output()).contains("valid: 4 typed_config");
    }

    /** Each a one-place edit of the recipe (Recipes.placed fails if the text is gone, so none goes vacuous). */
    static Stream<Arguments> brokenRecipes() {
        return Stream.of(
                Arguments.of("a misspelt field", "path_prefix:", "path_prefx:", "unknown field \"path_prefx\""),
                Arguments.of("an unknown filter type", "ext_authz.v3.ExtAuthz\n", "ext_authz.v3.ExtAuth\n",
                        "unable to resolve"),
                Arguments.of("an enum value Envoy lacks", "code: ServiceUnavailable", "code: ServiceUnavailible",
                        "ServiceUnavailible"),
                Arguments.of("a port out of range", "port_value: 8080 }\n    filter_chains",
                        "port_value: 80800 }\n    filter_chains", "PortValue: value must be less than or equal to 65535"),
                Arguments.of("a bad value inside a typed_config", "timeout: 1s\n                path_prefix",
                        "timeout: -1s\n                path_prefix", "ExtAuthz): invalid ExtAuthz.HttpService"),
                Arguments.of("a deprecated field", "path_prefix: /forward-auth\n",
                        "path_prefix: /forward-auth\n                authorization_request:"
                                + " { allowed_headers: { patterns: [{ exact: authorization }] } }\n",
                        "authorization_request.allowed_headers: deprecated"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenRecipes")
    void aBrokenRecipeIsRefused(String what, String from, String to, String reason) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, Recipes.placed(RECIPE, Map.of(from, to)));

        Probe probe = probe(broken);

        assertThat(probe.exitCode()).as(probe.output()).isEqualTo(1);
        assertThat(probe.output()).contains(reason);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRecipeNamesGatehousesPathAndHeaders() throws IOException {
        Object bootstrap = new Yaml().load(Files.readString(RECIPE));
        Map<String, Object> extAuthz = typedConfig(bootstrap, "envoy.filters.http.ext_authz");
        Map<String, Object> http = (Map<String, Object>) extAuthz.get("http_service");
        Map<String, Object> response = (Map<String, Object>) http.get("authorization_response");
        String upstreamPrefix = onlyPattern(response.get("allowed_upstream_headers"), "prefix");
        String strippedPrefix = (String) ((Map<String, Object>) ((Map<String, Object>) onlyRequestMutation(
                typedConfig(bootstrap, "envoy.filters.http.header_mutation")).get("remove_on_match"))
                .get("key_matcher")).get("prefix");

        // Envoy asks for path_prefix + the request's path: always below the path Gatehouse serves.
        assertThat(http.get("path_prefix")).isEqualTo(ForwardAuthHandler.PATH);
        assertThat(ForwardAuthHandler.serves(http.get("path_prefix") + "/any/path")).isTrue();
        for (String header : List.of(ForwardAuthHandler.SUBJECT, ForwardAuthHandler.CLIENT_ID,
                ForwardAuthHandler.SCOPE, ForwardAuthHandler.TOKEN_ID)) {
            // Envoy's header names are lower case, and its prefix match is case-sensitive.
            assertThat(header.toLowerCase(Locale.ROOT)).startsWith(upstreamPrefix).startsWith(strippedPrefix);
        }
        assertThat(onlyPattern(response.get("allowed_client_headers"), "exact"))
                .isEqualTo(HttpHeaders.WWW_AUTHENTICATE.toLowerCase(Locale.ROOT));
        assertThat(onlyPattern(extAuthz.get("allowed_headers"), "exact"))
                .isEqualTo(HttpHeaders.AUTHORIZATION.toLowerCase(Locale.ROOT));
        // Envoy drops the service's Retry-After on a 5xx; the recipe's local reply repeats its value.
        assertThat(Files.readString(RECIPE))
                .contains("{ key: retry-after, value: \"" + Problems.UNAVAILABLE_RETRY_AFTER + "\" }");
    }

    /** The typed_config of the filter with that name, wherever it is in the bootstrap. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> typedConfig(Object node, String filterName) {
        List<Map<String, Object>> found = new ArrayList<>();
        collectFilters(node, filterName, found);
        assertThat(found).as(filterName).hasSize(1);
        return (Map<String, Object>) found.get(0).get("typed_config");
    }

    @SuppressWarnings("unchecked")
    private static void collectFilters(Object node, String filterName, List<Map<String, Object>> found) {
        if (node instanceof Map<?, ?> map) {
            if (filterName.equals(map.get("name")) && map.containsKey("typed_config")) {
                found.add((Map<String, Object>) map);
            }
            map.values().forEach(value -> collectFilters(value, filterName, found));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collectFilters(value, filterName, found));
        }
    }

    @SuppressWarnings("unchecked")
    private static String onlyPattern(Object listStringMatcher, String kind) {
        List<Map<String, Object>> patterns = (List<Map<String, Object>>) ((Map<String, Object>) listStringMatcher)
                .get("patterns");
        assertThat(patterns).hasSize(1);
        return (String) patterns.get(0).get(kind);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> onlyRequestMutation(Map<String, Object> headerMutation) {
        List<Map<String, Object>> mutations = (List<Map<String, Object>>) ((Map<String, Object>) headerMutation
                .get("mutations")).get("request_mutations");
        assertThat(mutations).hasSize(1);
        return mutations.get(0);
    }

    private record Probe(int exitCode, String output) {
    }

    private static Probe probe(Path bootstrap) throws IOException, InterruptedException {
        Path binary = Path.of(System.getProperty("gatehouse.envoy-bootstrap.binary",
                "target/envoy-bootstrap/envoy-bootstrap"));
        assertThat(binary).as("the Envoy API probe: build it with hack/go-probe.sh"
                + " auth-service/src/test/go/envoy-bootstrap " + binary + " (./mvnw verify does)").isExecutable();
        Process process = new ProcessBuilder(binary.toString(), bootstrap.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the probe ends").isTrue();
        return new Probe(process.exitValue(), output);
    }
}
