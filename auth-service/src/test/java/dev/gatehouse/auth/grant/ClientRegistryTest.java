package dev.gatehouse.auth.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientRegistryTest {

    private static final String HASH = "$2a$04$abcdefghijklmnopqrstuu5jzXgFSnJgGbmbX8YtM9S9bqVQ1r0ey";

    @TempDir
    Path dir;

    private ClientRegistry load(String yaml) throws Exception {
        Path file = dir.resolve("clients.yaml");
        Files.writeString(file, yaml);
        return new ClientRegistry(file);
    }

    @Test
    void readsClients() throws Exception {
        ClientRegistry registry = load("""
                clients:
                  - id: web
                    secret-hash: "%s"
                    grant-types: [password, refresh_token]
                    scopes: [read, write]
                """.formatted(HASH));
        RegisteredClient web = registry.find("web").orElseThrow();
        assertThat(web.mayUse("password")).isTrue();
        assertThat(web.mayUse("client_credentials")).isFalse();
        assertThat(web.grantedScope(null)).isEqualTo("read write");
        assertThat(web.grantedScope("write")).isEqualTo("write");
        assertThatThrownBy(() -> web.grantedScope("admin")).isInstanceOf(GrantException.class);
        assertThat(web.toString()).doesNotContain(HASH);
    }

    @Test
    void aMissingFileMeansNoClients() {
        assertThat(new ClientRegistry(dir.resolve("absent.yaml")).find("web")).isEmpty();
    }

    @Test
    void refusesMistakesWithAMessage() {
        assertThatThrownBy(() -> load("clients: []\nother: 1\n".replace("clients: []", "nothing: 1")))
                .hasMessageContaining("clients:");
        assertThatThrownBy(() -> load("clients:\n  - id: a\n    secret-hash: plain\n    grant-types: [password]\n"))
                .hasMessageContaining("secret-hash");
        assertThatThrownBy(() -> load("clients:\n  - id: a\n    secret-hash: \"" + HASH + "\"\n    grant-types: [implicit]\n"))
                .hasMessageContaining("grant-types");
        assertThatThrownBy(() -> load(("clients:\n  - id: a\n    secret-hash: \"" + HASH + "\"\n    grant-types: [password]\n").repeat(1)
                + "  - id: a\n    secret-hash: \"" + HASH + "\"\n    grant-types: [password]\n"))
                .hasMessageContaining("twice");
    }

    /** Issue 12: what becomes a token claim and a forward-auth header is refused at start-up. */
    @Test
    void refusesIdsAndScopesThatCannotBeHeaders() {
        String client = "clients:\n  - id: \"%s\"\n    secret-hash: \"" + HASH + "\"\n    grant-types: [password]\n"
                + "    scopes: [\"%s\"]\n";
        for (String bad : new String[] {"a\\r", "a\\nb", "a\\0", "caf\\u00e9", " a"}) {
            assertThatThrownBy(() -> load(client.formatted(bad, "read"))).hasMessageContaining("client id");
            assertThatThrownBy(() -> load(client.formatted("a", bad))).hasMessageContaining("scope");
        }
        assertThatThrownBy(() -> load(client.formatted("a", "read write"))).hasMessageContaining("scope");
    }
}
