package dev.gatehouse.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gatehouse.operator.apiserver.RealApiServerExtension;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD alone, with no operator running, is what rejects a wrong AuthService and fills in the
 * defaults: a user learns of a mistake from {@code kubectl apply}, not later from a status condition.
 *
 * <p>Manifests are sent as untyped objects. Sending {@link
 * dev.gatehouse.operator.api.v1alpha1.AuthService} would serialize the Java field initializers, and
 * the defaults would then come from the client instead of from the CRD.
 */
class InvalidAuthServiceIT {

  @RegisterExtension
  static final RealApiServerExtension apiServer = new RealApiServerExtension();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** Added by the API server when an error stops it from evaluating x-kubernetes-validations. */
  private static final String RULES_NOT_CHECKED = "some validation rules were not checked";
  private static final Path EXAMPLES = Path.of(System.getProperty("gatehouse.examples.dir"));

  /**
   * What the API server adds to each example: a default in the CRD is the only way these values can
   * appear. Every example must be listed, so that a new one cannot pass without being looked at.
   */
  private static final Map<String, Map<String, Object>> DEFAULTS_BY_EXAMPLE = Map.of(
      "minimal.yaml", Map.ofEntries(
          Map.entry("/spec/replicas", 2),
          Map.entry("/spec/image", "ghcr.io/gatehouse-dev/auth-service:0.1.0"),
          Map.entry("/spec/redis/managed/image", "docker.io/library/redis:7.4-alpine"),
          Map.entry("/spec/redis/managed/maxClients", 10000),
          Map.entry("/spec/redis/managed/storage/size", "1Gi"),
          Map.entry("/spec/redis/managed/ephemeral", false),
          Map.entry("/spec/redis/pool/maxConnections", 16),
          Map.entry("/spec/redis/pool/minIdle", 2),
          Map.entry("/spec/redis/pool/acquireTimeout", "2s"),
          Map.entry("/spec/jwt/algorithm", "ES256"),
          Map.entry("/spec/jwt/accessTokenTtl", "15m"),
          Map.entry("/spec/jwt/refreshTokenTtl", "720h")),
      "production.yaml", Map.of(
          "/spec/image", "ghcr.io/gatehouse-dev/auth-service:0.1.0"),
      "redis-storage.yaml", Map.of(
          "/spec/redis/managed/ephemeral", false,
          "/spec/redis/managed/maxClients", 10000),
      "ephemeral-redis.yaml", Map.of(
          "/spec/redis/managed/storage/size", "1Gi",
          "/spec/redis/managed/maxClients", 10000),
      // No quorum: its default (a majority) depends on sentinels, and is the operator's.
      "managed-ha.yaml", Map.of(
          "/spec/redis/managed/storage/size", "1Gi",
          "/spec/redis/managed/ephemeral", false,
          "/spec/redis/managed/maxClients", 10000),
      // No replicaAcks: its default (1 with sentinel) is the operator's, given to the pods only.
      "external-sentinel.yaml", Map.of(
          "/spec/image", "ghcr.io/gatehouse-dev/auth-service:0.1.0",
          "/spec/redis/external/port", 6379,
          "/spec/redis/external/tls", false,
          "/spec/redis/external/sentinel/passwordSecretRef/key", "password",
          "/spec/redis/external/passwordSecretRef/key", "password"));

  /**
   * The corpus of invalid manifests, one per file; each file's header names the field the API
   * server must refuse and a fragment of its message:
   * {@code # expect-field: spec.replicas} and {@code # expect-message: less than or equal to 1000}.
   * {@code (the object)} is a rule on the whole AuthService, such as the name's length.
   */
  private static final String INVALID = "/invalid";
  private static final String FIELD_HEADER = "# expect-field: ";
  private static final String MESSAGE_HEADER = "# expect-message: ";
  private static final String WHOLE_OBJECT = "(the object)";
  /** How the API server names the field of a rule on the root of the schema. */
  private static final String ROOT_FIELD = "<nil>";

  @BeforeAll
  static void installCrd() {
    apiServer.installCrd();
  }

  record Invalid(String description, String spec, String field, String message) {
    @Override
    public String toString() {
      return description;
    }
  }

  static Stream<Invalid> invalidSpecs() {
    return Stream.of(
        new Invalid("external Redis without mode External", """
            redis:
              managed: {}
              external:
                host: redis.example.com
                passwordSecretRef: {name: redis-credentials}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.mode",
            "redis.external is set but redis.mode is Managed (the default): set redis.mode: External"),
        new Invalid("mode External without the external Redis", """
            redis:
              mode: External
              pool: {maxConnections: 8}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.mode",
            "redis.mode External needs redis.external: the host (or sentinel) and"),
        new Invalid("Redis mode in lower case", """
            redis:
              mode: external
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.mode", "Unsupported value: \"external\""),
        new Invalid("pool minIdle above maxConnections", """
            redis:
              managed: {}
              pool: {maxConnections: 4, minIdle: 5}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.pool.minIdle",
            "redis.pool.minIdle must not exceed redis.pool.maxConnections (default 16)"),
        // maxConnections is absent: the CRD's default of 16 is in place when the rule runs.
        new Invalid("pool minIdle above the default maxConnections", """
            redis:
              managed: {}
              pool: {minIdle: 17}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.pool.minIdle",
            "redis.pool.minIdle must not exceed redis.pool.maxConnections (default 16)"),
        new Invalid("acquireTimeout in words", """
            redis:
              managed: {}
              pool: {acquireTimeout: 2 seconds}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.pool.acquireTimeout", "Invalid value: \"2 seconds\""),
        new Invalid("access token outliving the refresh token", """
            redis:
              managed: {}
            jwt:
              issuer: https://auth.example.com
              audiences: [api]
              accessTokenTtl: 24h
              refreshTokenTtl: 1h
            """, "spec.jwt.accessTokenTtl",
            "jwt.accessTokenTtl (default 15m) must be shorter than jwt.refreshTokenTtl (default 720h)"),
        // Only the default refreshTokenTtl (720h) is there to compare with.
        new Invalid("access token outliving the default refresh token", """
            redis:
              managed: {}
            jwt:
              issuer: https://auth.example.com
              audiences: [api]
              accessTokenTtl: 1000h
            """, "spec.jwt.accessTokenTtl",
            "jwt.accessTokenTtl (default 15m) must be shorter than jwt.refreshTokenTtl (default 720h)"),
        // Above CEL's largest duration (2562047h): refused by the pattern, on the field, rather than
        // by a type conversion error in the rule above.
        new Invalid("TTL beyond what a duration holds", """
            redis:
              managed: {}
            jwt:
              issuer: https://auth.example.com
              audiences: [api]
              refreshTokenTtl: 9999999h
            """, "spec.jwt.refreshTokenTtl", "Invalid value: \"9999999h\""),
        new Invalid("algorithm none", """
            redis:
              managed: {}
            jwt: {issuer: https://auth.example.com, audiences: [api], algorithm: none}
            """, "spec.jwt.algorithm",
            "Unsupported value: \"none\": supported values: \"ES256\", \"HS256\", \"RS256\""),
        new Invalid("negative replicas", """
            replicas: -1
            redis:
              managed: {}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.replicas", "should be greater than or equal to 0"),
        new Invalid("no jwt", """
            redis:
              managed: {}
            """, "spec.jwt", "Required value"),
        new Invalid("no jwt issuer", """
            redis:
              managed: {}
            jwt: {audiences: [api]}
            """, "spec.jwt.issuer", "Required value"),
        new Invalid("empty jwt audiences", """
            redis:
              managed: {}
            jwt: {issuer: https://auth.example.com, audiences: []}
            """, "spec.jwt.audiences", "should have at least 1 items"),
        new Invalid("external Redis without a password Secret", """
            redis:
              mode: External
              external: {host: redis.example.com}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.external.passwordSecretRef", "Required value"),
        new Invalid("external Redis port 70000", """
            redis:
              mode: External
              external:
                host: redis.example.com
                port: 70000
                passwordSecretRef: {name: redis-credentials}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.external.port", "should be less than or equal to 65535"),
        new Invalid("uppercase Secret name", """
            redis:
              mode: External
              external:
                host: redis.example.com
                passwordSecretRef: {name: Redis-Credentials}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.external.passwordSecretRef.name",
            "Invalid value: \"Redis-Credentials\""),
        new Invalid("Redis storage size in gigabytes of 10^9", """
            redis:
              managed: {storage: {size: 10GB}}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.managed.storage.size", "should match"),
        new Invalid("Redis storage size zero", """
            redis:
              managed: {storage: {size: 0Gi}}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.managed.storage.size", "should match"),
        new Invalid("Redis storage class that is no object name", """
            redis:
              managed: {storage: {storageClassName: Fast_SSD}}
            jwt: {issuer: https://auth.example.com, audiences: [api]}
            """, "spec.redis.managed.storage.storageClassName", "should match"));
  }

  record Change(String description, String pointer, Object value, String field, String message) {
    @Override
    public String toString() {
      return description;
    }
  }

  static Stream<Change> refusedChanges() {
    return Stream.of(
        new Change("a larger Redis volume", "storage", Map.of("size", "2Gi"),
            "spec.redis.managed.storage", "volume claim template is immutable"),
        new Change("another storage class", "storage", Map.of("size", "1Gi", "storageClassName", "other"),
            "spec.redis.managed.storage", "expand the PersistentVolumeClaim"),
        new Change("a persistent Redis made ephemeral", "ephemeral", true,
            "spec.redis.managed.ephemeral", "would start Redis without its data"),
        new Change("a single Redis made highly available", "highAvailability", Map.of(),
            "spec.redis.managed.highAvailability", "cannot be added or removed once the managed"));
  }

  record Manifest(String file, String field, String message, String yaml) {
    @Override
    public String toString() {
      return file;
    }
  }

  static Stream<Manifest> invalidManifests() throws IOException, URISyntaxException {
    Path folder = Path.of(InvalidAuthServiceIT.class.getResource(INVALID).toURI());
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted()
          .map(InvalidAuthServiceIT::manifest).toList().stream();
    }
  }

  private static Manifest manifest(Path file) {
    try {
      String yaml = Files.readString(file);
      List<String> lines = yaml.lines().toList();
      return new Manifest(file.getFileName().toString(), header(lines, FIELD_HEADER, file),
          header(lines, MESSAGE_HEADER, file), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String header(List<String> lines, String prefix, Path file) {
    return lines.stream().filter(line -> line.startsWith(prefix))
        .map(line -> line.substring(prefix.length()).strip()).findFirst()
        .orElseThrow(() -> new IllegalArgumentException(file + " has no '" + prefix + "' line"));
  }

  @Test
  void theCorpusCoversEveryField() throws IOException, URISyntaxException {
    assertThat(invalidManifests()).hasSizeGreaterThanOrEqualTo(60);
  }

  /**
   * What a hostile or careless tenant might write, field by field: each is refused by the API
   * server with a message that names the field, so that it never reaches the operator (whose
   * informer could not read some of them) or a child object the cluster would refuse.
   */
  @ParameterizedTest(name = "invalid/{0} is refused")
  @MethodSource("invalidManifests")
  void invalidManifestIsRefusedWithItsMessage(Manifest manifest) {
    GenericKubernetesResource resource = parse(manifest.yaml());

    assertThatThrownBy(() -> create(resource))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).as(e.getMessage()).isEqualTo(422);
          assertThat(e.getStatus().getMessage())
              .startsWith("AuthService.gatehouse.dev \"" + resource.getMetadata().getName()
                  + "\" is invalid: ");
          assertThat(e.getStatus().getDetails().getCauses())
              .as("causes of %s", e.getStatus().getMessage())
              .anySatisfy(cause -> {
                assertThat(field(cause)).isEqualTo(manifest.field());
                assertThat(cause.getMessage()).contains(manifest.message());
              });
        });
    assertThat(apiServer.client().genericKubernetesResources("gatehouse.dev/v1alpha1", "AuthService")
        .inNamespace(apiServer.namespace()).withName(resource.getMetadata().getName()).get())
        .isNull();
  }

  @ParameterizedTest(name = "{0} is refused once the AuthService exists")
  @MethodSource("refusedChanges")
  void storageIsFixedAtCreation(Change change) {
    GenericKubernetesResource created = create(parse("""
        apiVersion: gatehouse.dev/v1alpha1
        kind: AuthService
        metadata:
          name: fixed-storage
        spec:
          redis:
            managed: {}
          jwt: {issuer: https://auth.example.com, audiences: [api]}
        """));
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> managed = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
          created.getAdditionalProperties().get("spec")).get("redis")).get("managed");
      managed.put(change.pointer(), change.value());

      assertThatThrownBy(() -> apiServer.client().resource(created).inNamespace(apiServer.namespace()).update())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(422);
            assertThat(e.getStatus().getMessage()).contains(change.field() + ": ")
                .contains(change.message());
          });
    } finally {
      apiServer.client().resource(created).inNamespace(apiServer.namespace()).delete();
    }
  }

  /**
   * A highly available Redis can grow or shrink and change its quorum, but not its number of
   * Sentinels, nor stop being highly available.
   */
  @Test
  void theSentinelsAreFixedAtCreationAndTheRestMayChange() {
    GenericKubernetesResource created = create(parse("""
        apiVersion: gatehouse.dev/v1alpha1
        kind: AuthService
        metadata:
          name: fixed-sentinels
        spec:
          redis:
            managed:
              highAvailability: {}
          jwt: {issuer: https://auth.example.com, audiences: [api]}
        """));
    try {
      assertThat(highAvailability(created)).containsEntry("replicas", 3).containsEntry("sentinels", 3)
          .containsEntry("replicaAcks", 1).doesNotContainKey("quorum");
      highAvailability(created).putAll(Map.of("replicas", 5, "quorum", 3));
      GenericKubernetesResource updated =
          apiServer.client().resource(created).inNamespace(apiServer.namespace()).update();
      assertThat(highAvailability(updated)).containsEntry("replicas", 5).containsEntry("quorum", 3);

      highAvailability(updated).put("sentinels", 5);
      assertRefused(updated, "spec.redis.managed.highAvailability.sentinels",
          "cannot change once the Sentinels run");
      highAvailability(updated).put("sentinels", 3);
      managed(updated).remove("highAvailability");
      assertRefused(updated, "spec.redis.managed.highAvailability",
          "cannot be added or removed once the managed Redis exists");
    } finally {
      apiServer.client().resource(created).inNamespace(apiServer.namespace()).delete();
    }
  }

  private static void assertRefused(GenericKubernetesResource changed, String field, String message) {
    assertThatThrownBy(() -> apiServer.client().resource(changed).inNamespace(apiServer.namespace()).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).contains(field + ": ").contains(message);
        });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> managed(GenericKubernetesResource resource) {
    return (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
        resource.getAdditionalProperties().get("spec")).get("redis")).get("managed");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> highAvailability(GenericKubernetesResource resource) {
    return (Map<String, Object>) managed(resource).get("highAvailability");
  }

  /**
   * The storage rules hold while the Redis stays managed. Under mode External, managed has its
   * defaults too, and a move to a managed Redis creates it afresh with whatever storage it asks for.
   */
  @Test
  void aMoveFromAnExternalRedisChoosesTheManagedOnesStorage() {
    GenericKubernetesResource created = create(parse("""
        apiVersion: gatehouse.dev/v1alpha1
        kind: AuthService
        metadata:
          name: moving
        spec:
          redis:
            mode: External
            external: {host: redis.example.com, passwordSecretRef: {name: redis-credentials}}
          jwt: {issuer: https://auth.example.com, audiences: [api]}
        """));
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> redis = (Map<String, Object>) ((Map<String, Object>)
          created.getAdditionalProperties().get("spec")).get("redis");
      assertThat(redis.get("managed")).as("defaulted under mode External")
          .isEqualTo(Map.of("image", "docker.io/library/redis:7.4-alpine", "maxClients", 10000,
              "storage", Map.of("size", "1Gi"), "ephemeral", false,
              "resources", Map.of("requests", Map.of("cpu", "100m", "memory", "128Mi"),
                  "limits", Map.of("memory", "512Mi"))));
      redis.remove("external");
      redis.put("mode", "Managed");
      redis.put("managed", Map.of("storage", Map.of("size", "10Gi")));

      GenericKubernetesResource moved =
          apiServer.client().resource(created).inNamespace(apiServer.namespace()).update();

      assertThat(parseYaml(Serialization.asYaml(moved)).at("/spec/redis/managed/storage/size")
          .asText()).isEqualTo("10Gi");
    } finally {
      apiServer.client().resource(created).inNamespace(apiServer.namespace()).delete();
    }
  }

  @ParameterizedTest(name = "{0} is rejected")
  @MethodSource("invalidSpecs")
  void invalidSpecIsRejectedWithTheCrdsMessage(Invalid invalid) {
    GenericKubernetesResource resource = parse("""
        apiVersion: gatehouse.dev/v1alpha1
        kind: AuthService
        metadata:
          name: invalid
        spec:
        """ + invalid.spec().indent(2));

    assertThatThrownBy(() -> create(resource))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          // The text kubectl prints after 'The AuthService "invalid" is invalid: '.
          assertThat(e.getStatus().getMessage())
              .startsWith("AuthService.gatehouse.dev \"invalid\" is invalid: ")
              .contains(invalid.field() + ": ")
              .contains(invalid.message());
          // One mistake per row, so each row proves one rule: every cause is about that field, apart
          // from the API server's note that it skipped the CEL rules of an object with a missing
          // field or unsupported value.
          assertThat(e.getStatus().getDetails().getCauses())
              .filteredOn(cause -> !cause.getMessage().contains(RULES_NOT_CHECKED))
              .extracting(InvalidAuthServiceIT::field)
              .containsOnly(invalid.field());
        });
    assertThat(apiServer.client().genericKubernetesResources("gatehouse.dev/v1alpha1", "AuthService")
        .inNamespace(apiServer.namespace()).withName("invalid").get()).isNull();
  }

  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "examples/{0} is accepted and defaulted by the CRD")
  @MethodSource("examples")
  void exampleIsAcceptedAsWrittenAndDefaultedByTheCrd(String example) throws IOException {
    assertThat(DEFAULTS_BY_EXAMPLE)
        .as("the defaults the API server is expected to add to examples/%s", example)
        .containsKey(example);
    String manifest = Files.readString(EXAMPLES.resolve(example));

    GenericKubernetesResource stored = create(parse(manifest));

    // Both trees come from parsing text, so that 2 is an IntNode in each and nodes compare equal.
    JsonNode storedTree = YAML.readTree(Serialization.asYaml(stored));
    JsonNode writtenTree = YAML.readTree(manifest);
    // Nothing the user wrote was pruned or changed: the CRD knows every field of the example.
    assertContains(storedTree.path("spec"), writtenTree.path("spec"), "/spec");
    DEFAULTS_BY_EXAMPLE.get(example).forEach((pointer, value) -> {
      assertThat(writtenTree.at(pointer).isMissingNode())
          .as("%s is not in examples/%s, so only a CRD default can set it", pointer, example)
          .isTrue();
      assertThat(storedTree.at(pointer)).as(pointer).isEqualTo(parseYaml(String.valueOf(value)));
    });
  }

  /**
   * The field of a cause, {@value #WHOLE_OBJECT} for a rule on the whole object. The scale subresource's own check of spec.replicas reports it as
   * {@code .spec.replicas}, the schema as {@code spec.replicas}.
   */
  private static String field(StatusCause cause) {
    if (cause.getField() == null || ROOT_FIELD.equals(cause.getField())) {
      return WHOLE_OBJECT;
    }
    return cause.getField().startsWith(".") ? cause.getField().substring(1) : cause.getField();
  }

  private static GenericKubernetesResource create(GenericKubernetesResource resource) {
    return apiServer.client().resource(resource).inNamespace(apiServer.namespace()).create();
  }

  private static GenericKubernetesResource parse(String yaml) {
    return Serialization.unmarshal(yaml, GenericKubernetesResource.class);
  }

  private static JsonNode parseYaml(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every leaf of {@code written} is in {@code stored} with the same value. */
  private static void assertContains(JsonNode stored, JsonNode written, String pointer) {
    if (written.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = written.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        assertContains(stored.path(field.getKey()), field.getValue(), pointer + "/" + field.getKey());
      }
    } else {
      assertThat(stored).as(pointer).isEqualTo(written);
    }
  }
}
