package dev.gatehouse.auth.grant;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.token.IdentityClaims;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OAuth clients, read at start-up from the clients file the operator mounts
 * (docs/auth-service-contract.md, "Clients file"). Every entry is checked: a typo in a grant type
 * or an unhashed secret stops the pod with a message instead of failing logins later.
 */
@Component
public class ClientRegistry {

    private static final Logger log = LoggerFactory.getLogger(ClientRegistry.class);
    static final Set<String> GRANT_TYPES = Set.of("client_credentials", "password", "refresh_token");

    private final Map<String, RegisteredClient> clients;

    @Autowired
    public ClientRegistry(GatehouseProperties properties) {
        this(properties.clientsFile());
    }

    /**
     * A missing file means no clients yet (the Secret is not mounted): the pod still starts, so
     * forward-auth keeps working, and every client authentication fails until the file appears
     * and the pod restarts. A file that exists but is wrong stops the start-up.
     */
    public ClientRegistry(Path file) {
        if (Files.exists(file)) {
            this.clients = Map.copyOf(parse(file));
            log.info("Loaded {} OAuth clients from {}", clients.size(), file);
        } else {
            this.clients = Map.of();
            log.warn("No clients file at {}: every client authentication will fail", file);
        }
    }

    public Optional<RegisteredClient> find(String clientId) {
        return Optional.ofNullable(clients.get(clientId));
    }

    private static Map<String, RegisteredClient> parse(Path file) {
        Object document;
        try (Reader reader = Files.newBufferedReader(file)) {
            document = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read clients file " + file, e);
        }
        if (!(document instanceof Map<?, ?> root) || !(root.get("clients") instanceof List<?> entries)) {
            throw new IllegalArgumentException(file + ": expected a top-level `clients:` list");
        }
        Map<String, RegisteredClient> clients = new HashMap<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> fields)) {
                throw new IllegalArgumentException(file + ": each client must be a mapping");
            }
            RegisteredClient client = client(file, fields);
            if (clients.put(client.id(), client) != null) {
                throw new IllegalArgumentException(file + ": client " + client.id() + " is listed twice");
            }
        }
        return clients;
    }

    private static RegisteredClient client(Path file, Map<?, ?> fields) {
        String id = text(fields.get("id"));
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(file + ": a client has no id");
        }
        // The id and scopes end up in tokens and in forward-auth's headers (issue 12).
        if (!IdentityClaims.isHeaderSafe(id)) {
            throw new IllegalArgumentException(file + ": client id " + id.strip()
                    + " must be printable ASCII without leading or trailing space");
        }
        String secretHash = text(fields.get("secret-hash"));
        if (secretHash == null || !PasswordHasher.isSupportedHash(secretHash)) {
            throw new IllegalArgumentException(file + ": client " + id
                    + " needs a secret-hash in bcrypt ($2a$/$2b$/$2y$) or Argon2id ($argon2id$) form");
        }
        Set<String> grantTypes = strings(fields.get("grant-types"));
        if (grantTypes.isEmpty() || !GRANT_TYPES.containsAll(grantTypes)) {
            throw new IllegalArgumentException(file + ": client " + id + " has grant-types " + grantTypes
                    + "; allowed are " + GRANT_TYPES);
        }
        Set<String> scopes = strings(fields.get("scopes"));
        for (String scope : scopes) {
            if (scope.isEmpty() || scope.contains(" ") || !IdentityClaims.isHeaderSafe(scope)) {
                throw new IllegalArgumentException(file + ": client " + id
                        + " has a scope that is not printable ASCII without spaces (RFC 6749 §3.3)");
            }
        }
        return new RegisteredClient(id, secretHash, grantTypes, scopes);
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    private static Set<String> strings(Object value) {
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a list, got " + value);
        }
        Set<String> result = new LinkedHashSet<>();
        list.forEach(item -> result.add(item.toString()));
        return Set.copyOf(result);
    }
}
