package dev.gatehouse.auth.grant;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gatehouse.auth.store.LockoutStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mockito.Mockito;
import reactor.core.publisher.Mono;

/**
 * HTTP Basic client authentication on arbitrary header values (docs/testing.md, "Fuzz tests"),
 * through {@link ClientAuthenticator#authenticate}, the narrowest public entry point to its private
 * decoder: the value is refused with a {@link GrantException} (synchronously or as the Mono's error)
 * or decodes to credentials whose check is a Mono, never subscribed here (that would be a slow
 * hash per input). Any other exception is a finding.
 */
class ClientAuthenticatorFuzzTest {

    private static ClientAuthenticator authenticator;

    /** On first use, after Jazzer's agent is in place (see TokenVerifierFuzzTest). */
    private static synchronized ClientAuthenticator authenticator() throws Exception {
        if (authenticator == null) {
            Path clients = Files.createTempFile("clients", ".yaml");
            clients.toFile().deleteOnExit();
            Files.writeString(clients, """
                    clients:
                      - id: app
                        secret-hash: "$2a$04$abcdefghijklmnopqrstuu5jzXgFSnJgGbmbX8YtM9S9bqVQ1r0ey"
                        grant-types: [client_credentials]
                    """);
            // Decoding happens before any Redis call, and the check it leads to is a Mono this test
            // never subscribes: no lockout is consulted, so a mock stands in for it.
            authenticator = new ClientAuthenticator(new ClientRegistry(clients), new PasswordHasher(),
                    Mockito.mock(LockoutStore.class));
        }
        return authenticator;
    }

    @FuzzTest(maxDuration = "10s")
    void basic(byte[] credentials) throws Exception {
        String header = "Basic " + new String(credentials, StandardCharsets.ISO_8859_1);
        try {
            Mono<RegisteredClient> result = authenticator().authenticate(header, null, null, true);
            if (result == null) {
                throw new AssertionError("authenticate returned null");
            }
        } catch (GrantException refused) {
            // the documented outcome for a malformed header
        }
    }
}
