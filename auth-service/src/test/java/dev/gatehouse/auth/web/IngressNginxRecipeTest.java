package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The ingress-nginx recipe of examples/ingress-nginx/ingress.yaml names Gatehouse's own path and
 * identity headers. (That the API server accepts it is helm-tests' ExamplesIT; the auth_request it
 * becomes is what NginxForwardAuthIT runs; the controller is run by no test.)
 */
class IngressNginxRecipeTest {

    private static final String ANNOTATION = "nginx.ingress.kubernetes.io/";

    @Test
    void theAnnotationsNameGatehousesPathAndEveryIdentityHeader() throws IOException {
        Map<String, String> annotations = annotations();

        String authUrl = annotations.get(ANNOTATION + "auth-url");
        assertThat(URI.create(authUrl).getPath()).isEqualTo(ForwardAuthHandler.PATH);
        // All four, so that each is set from Gatehouse's answer or cleared, never the client's own.
        assertThat(Arrays.stream(annotations.get(ANNOTATION + "auth-response-headers").split(","))
                .map(String::trim))
                .containsExactlyInAnyOrder(ForwardAuthHandler.SUBJECT, ForwardAuthHandler.CLIENT_ID,
                        ForwardAuthHandler.SCOPE, ForwardAuthHandler.TOKEN_ID);
    }

    @Test
    void noAnnotationThatLosesGatehousesRefusal() throws IOException {
        // auth-keepalive checks through Lua, which drops the 401's WWW-Authenticate; auth-signin
        // turns the 401 into a redirect to a sign-in page.
        assertThat(annotations()).doesNotContainKeys(ANNOTATION + "auth-keepalive", ANNOTATION + "auth-signin");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> annotations() throws IOException {
        Map<String, Object> ingress = new Yaml().load(
                Files.readString(Path.of("..", "examples", "ingress-nginx", "ingress.yaml")));
        assertThat(ingress).containsEntry("kind", "Ingress");
        return (Map<String, String>) ((Map<String, Object>) ingress.get("metadata")).get("annotations");
    }
}
