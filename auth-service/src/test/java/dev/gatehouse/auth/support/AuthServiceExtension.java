package dev.gatehouse.auth.support;

import dev.gatehouse.auth.AuthServiceApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The real application on a random port for the tests of one class, configured the way the operator
 * configures a pod: files for the signing keys, clients, admin token and Redis password
 * (docs/auth-service-contract.md). It owns its Redis: JUnit orders {@code @RegisterExtension}
 * fields by an algorithm it calls "intentionally nonobvious", not by declaration, so two fields
 * could not promise that Redis is up before the service starts and still up while it closes.
 */
public final class AuthServiceExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String ISSUER = "https://auth.gatehouse.test";
    public static final String AUDIENCE = "gatehouse-api";
    public static final String APP_CLIENT = "web-app";
    public static final String APP_SECRET = "web-app-secret";
    public static final String SERVICE_CLIENT = "billing";
    public static final String SERVICE_SECRET = "billing-secret";
    public static final String ADMIN_TOKEN = "admin-token-for-tests";
    public static final String FIRST_KID = "key-1";

    private RedisBackend redis = new RedisServerExtension();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final List<ApplicationListener<?>> listeners = new ArrayList<>();
    private Path directory;
    private ConfigurableApplicationContext context;
    private WebTestClient client;
    private int port;

    /** Runs the service on {@code backend} (a Sentinel set, say) instead of one redis-server of its own. */
    public AuthServiceExtension on(RedisBackend backend) {
        this.redis = backend;
        return this;
    }

    /** Adds a listener to the application before it starts, for a test of what happens during start-up. */
    public AuthServiceExtension listening(ApplicationListener<?> listener) {
        listeners.add(listener);
        return this;
    }

    /** Sets one application property over the defaults below, for a class that tests a non-default setting. */
    public AuthServiceExtension with(String property, String value) {
        overrides.put(property, value);
        return this;
    }

    /**
     * Serves on a port chosen now and makes the issuer this service's own URL plus {@code path},
     * for clients that discover the endpoints from the issuer, as real resource servers do.
     */
    public AuthServiceExtension servedAtIssuer(String path) {
        int chosen = FreePort.pick();
        with("server.port", Integer.toString(chosen));
        return with("gatehouse.jwt.issuer", "http://127.0.0.1:" + chosen + path);
    }

    /** The issuer the service was started with. */
    public String issuer() {
        return context.getEnvironment().getProperty("gatehouse.jwt.issuer");
    }

    @Override
    public void beforeAll(ExtensionContext extensionContext) throws Exception {
        redis.beforeAll(extensionContext);
        directory = Files.createTempDirectory("gatehouse-auth");
        Path keys = Files.createDirectories(directory.resolve("jwt"));
        writeEcKey(keys, FIRST_KID);
        Files.writeString(keys.resolve("active-kid"), FIRST_KID + "\n");
        BCryptPasswordEncoder bcrypt = new BCryptPasswordEncoder(4);
        Files.writeString(directory.resolve("clients.yaml"), """
                clients:
                  - id: %s
                    secret-hash: "%s"
                    grant-types: [password, refresh_token]
                    scopes: [read, write]
                  - id: %s
                    secret-hash: "%s"
                    grant-types: [client_credentials]
                    scopes: [read, invoices]
                """.formatted(APP_CLIENT, bcrypt.encode(APP_SECRET), SERVICE_CLIENT, bcrypt.encode(SERVICE_SECRET)));
        Files.writeString(directory.resolve("admin-token"), ADMIN_TOKEN + "\n");
        Files.writeString(directory.resolve("redis-password"), redis.password() + "\n");

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("server.address", "127.0.0.1");
        properties.put("gatehouse.environment", "test/auth");
        properties.put("gatehouse.clients-file", directory.resolve("clients.yaml").toString());
        properties.put("gatehouse.admin.token-file", directory.resolve("admin-token").toString());
        properties.putAll(redis.connectionProperties());
        properties.put("gatehouse.redis.password-file", directory.resolve("redis-password").toString());
        properties.put("gatehouse.redis.pool.max-connections", "8");
        properties.put("gatehouse.redis.pool.acquire-timeout", "1s");
        properties.put("gatehouse.redis.reconnect.max-delay", "500ms");
        properties.put("gatehouse.jwt.issuer", ISSUER);
        properties.put("gatehouse.jwt.audiences", AUDIENCE + ",other-api");
        properties.put("gatehouse.jwt.keys-dir", keys.toString());
        properties.put("gatehouse.jwt.keys-reload-interval", "200ms");
        // Every test service warms up as a pod does, but briefly: its test classes start dozens.
        properties.put("gatehouse.warm-up.requests", "200");
        properties.putAll(overrides);
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        context = new SpringApplicationBuilder(AuthServiceApplication.class)
                .listeners(listeners.toArray(ApplicationListener[]::new)).run(args.toArray(String[]::new));
        port = ((WebServerApplicationContext) context).getWebServer().getPort();
        client = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(15)).build();
    }

    /** Closes the service first, so it never runs against a Redis that is gone. */
    @Override
    public void afterAll(ExtensionContext extensionContext) throws Exception {
        try {
            if (context != null) {
                context.close();
            }
            if (directory != null) {
                deleteRecursively(directory);
            }
        } finally {
            redis.afterAll(extensionContext);
        }
    }

    /** Writes {@code <kid>.pem}: a fresh P-256 key in PKCS#8 PEM, as the operator's Secret holds it. */
    public static void writeEcKey(Path keysDir, String kid) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(keysDir.resolve(kid + ".pem"), pem);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Redis the service uses, for tests that take it away and bring it back. */
    public RedisServerExtension redis() {
        if (!(redis instanceof RedisServerExtension server)) {
            throw new IllegalStateException("this service runs on " + redis + ", not on one redis-server");
        }
        return server;
    }

    public WebTestClient client() {
        return client;
    }

    public int port() {
        return port;
    }

    public Path keysDir() {
        return directory.resolve("jwt");
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** POSTs a form with client_secret_basic authentication. */
    public WebTestClient.ResponseSpec postForm(String path, String clientId, String secret, Map<String, String> form) {
        MultiValueMap<String, String> body = new LinkedMultiValueMap<>();
        form.forEach(body::add);
        return client.post().uri(path)
                .headers(headers -> headers.setBasicAuth(clientId, secret))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(body))
                .exchange();
    }

    public void createUser(String username, String password) {
        client.post().uri("/admin/users")
                .headers(headers -> headers.setBearerAuth(ADMIN_TOKEN))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("username", username, "password", password))
                .exchange()
                .expectStatus().isCreated();
    }

    /** A password-grant token response as a map (access_token, refresh_token, …). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> passwordGrant(String username, String password) {
        return postForm("/oauth2/token", APP_CLIENT, APP_SECRET,
                Map.of("grant_type", "password", "username", username, "password", password))
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    public String clientCredentialsToken() {
        Map<String, Object> response = postForm("/oauth2/token", SERVICE_CLIENT, SERVICE_SECRET,
                Map.of("grant_type", "client_credentials"))
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        return (String) response.get("access_token");
    }

    /** As a proxy asks: a refusal comes back without a body. */
    public WebTestClient.ResponseSpec forwardAuth(String token) {
        return client.get().uri("/forward-auth/some/upstream/path")
                .headers(headers -> headers.setBearerAuth(token))
                .exchange();
    }

    /**
     * {@code count} forward-auth checks of {@code token} sent at once, each on a connection of its
     * own (more than the pool has, when Redis is away): their statuses, in at most {@code patience}.
     */
    public List<Integer> forwardAuthAtOnce(String token, int count, Duration patience) {
        WebClient web = WebClient.create("http://127.0.0.1:" + port);
        return Flux.range(0, count)
                .flatMap(i -> web.get().uri("/forward-auth/").headers(h -> h.setBearerAuth(token))
                        .exchangeToMono(response -> Mono.just(response.statusCode().value())))
                .collectList()
                .block(patience);
    }

    /** As a person debugging asks: a refusal comes back as a problem body. */
    public WebTestClient.ResponseSpec forwardAuthAskingForProblem(String token) {
        return client.get().uri("/forward-auth/some/upstream/path")
                .headers(headers -> headers.setBearerAuth(token))
                .accept(MediaType.APPLICATION_PROBLEM_JSON)
                .exchange();
    }

    static void deleteRecursively(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temp directory left behind is not worth failing a test over.
        }
    }
}
