package dev.gatehouse.operator.faults;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fabric8 mock API server in CRUD mode, with what a fault test needs on top:
 * <ul>
 *   <li>a chosen request (method and path, n-th occurrence) answered once with a chosen fault,
 *       either instead of being served or after it was stored (the answer lost on the way back,
 *       which is what a 500 or a timeout can mean on a real server);</li>
 *   <li>server-side apply, which the CRUD store does not speak, served the way kube-apiserver
 *       serves it where the operator depends on it: create when missing, a {@code resourceVersion}
 *       in the body is a precondition (409 when it does not match), a managedFields entry of the
 *       field manager (so JOSDK's SSA matcher can compare), {@code stringData} folded into
 *       {@code data}, and an immutable Secret's data refused (422);</li>
 *   <li>a log of every request, to count what the operator did in a window;</li>
 *   <li>open watches that the test can close mid-stream.</li>
 * </ul>
 */
final class FaultyApiServer implements AutoCloseable {

  /**
   * A request as the server saw it; {@code name} is the object's (for a create, from the body),
   * and {@code at} is when the request arrived, whenever its answer left.
   */
  record Seen(Instant at, String userAgent, String method, String path, String name,
      boolean watch, int code) {

    boolean write() {
      return !"GET".equals(method);
    }
  }

  /** What a rule does to the request it matches. */
  record Fault(int code, Optional<Integer> retryAfterSeconds, boolean storeFirst,
      Optional<Duration> hang) {

    /** Answered with {@code code}; nothing is stored. */
    static Fault refuse(int code) {
      return new Fault(code, Optional.empty(), false, Optional.empty());
    }

    /** 429, with a Retry-After header; nothing is stored. */
    static Fault throttle(int retryAfterSeconds) {
      return new Fault(429, Optional.of(retryAfterSeconds), false, Optional.empty());
    }

    /** Stored, but the client is told {@code code}: the write happened, the answer says not. */
    static Fault storedButAnswered(int code) {
      return new Fault(code, Optional.empty(), true, Optional.empty());
    }

    /** Stored, and the answer comes only after {@code delay}: the client times out first. */
    static Fault storedButHung(Duration delay) {
      return new Fault(200, Optional.empty(), true, Optional.of(delay));
    }
  }

  private record Rule(Predicate<Seen> request, int nth, Fault fault, AtomicInteger seen,
      AtomicInteger fired) {}

  private static final Logger QUIET = Logger.getLogger(MockWebServer.class.getName());
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final String APPLY = "application/apply-patch+yaml";
  static final String TEST_AGENT = "fault-test";

  private final KubernetesCrudDispatcher store = new KubernetesCrudDispatcher();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private final List<Seen> requests = new CopyOnWriteArrayList<>();
  private final List<WebSocket> watches = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> creates = new ConcurrentHashMap<>();
  private final Map<String, JsonNode> firstData = new ConcurrentHashMap<>();
  private final KubernetesMockServer server;

  static {
    // The mock server logs every request at INFO: the test keeps its own log.
    QUIET.setLevel(Level.WARNING);
  }

  FaultyApiServer() {
    server = new KubernetesMockServer(new Context(JSON), new MockWebServer(), new HashMap<>(),
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return FaultyApiServer.this.dispatch(request);
          }
        }, false);
    server.start();
  }

  /**
   * The operator's client configuration for this server: the client's defaults, as in a pod,
   * except that requests time out after {@code requestTimeout}, so that a hung request costs the
   * test seconds rather than the default ten.
   */
  Config operatorConfig(Duration requestTimeout) {
    return new ConfigBuilder()
        .withMasterUrl(server.url("/"))
        .withTrustCerts(true)
        // HTTP/1.1, as the mock server's own clients: the JDK client's cleartext HTTP/2 upgrade
        // of a request with a body can hang against it, past every timeout.
        .withHttp2Disable(true)
        .withRequestTimeout((int) requestTimeout.toMillis())
        .build();
  }

  /** A client for the test itself, which no fault is aimed at unless a rule matches it. */
  KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl(server.url("/")).withTrustCerts(true).withHttp2Disable(true)
        .withUserAgent(TEST_AGENT)
        .withRequestRetryBackoffLimit(0).build()).build();
  }

  /** The {@code nth} request (from 1) that {@code request} accepts as it arrives gets the fault. */
  void inject(Predicate<Seen> request, int nth, Fault fault) {
    rules.add(new Rule(request, nth, fault, new AtomicInteger(), new AtomicInteger()));
  }

  /** How many injected faults were answered. */
  int faultsFired() {
    return rules.stream().mapToInt(rule -> rule.fired().get()).sum();
  }

  List<Seen> requests() {
    return List.copyOf(requests);
  }

  /** How many times the object at this path was created (server-side apply or POST). */
  int creates(String objectPath) {
    return creates.getOrDefault(objectPath, new AtomicInteger()).get();
  }

  /** The {@code data} the object at this path was first created with, as stored. */
  Map<String, String> createdData(String objectPath) {
    return JSON.convertValue(firstData.get(objectPath).path("data"),
        new TypeReference<TreeMap<String, String>>() {});
  }

  /** Closes every open watch whose path contains {@code pathPart}; returns how many. */
  int closeWatches(String pathPart) {
    int closed = 0;
    for (WebSocket watch : watches) {
      if (pathOf(watch.request()).contains(pathPart)) {
        watch.close(1000, "closed by the test");
        watches.remove(watch);
        closed++;
      }
    }
    return closed;
  }

  private MockResponse dispatch(RecordedRequest request) {
    Instant at = Instant.now();
    String path = pathOf(request);
    String name = nameOf(request, path);
    String userAgent = Optional.ofNullable(request.getHeader("User-Agent")).orElse("");
    boolean watch = Optional.ofNullable(URI.create(request.getPath()).getRawQuery()).orElse("")
        .contains("watch=true");
    Optional<Fault> fault =
        faultFor(new Seen(at, userAgent, request.getMethod(), path, name, watch, 0));
    MockResponse response;
    if (fault.isPresent() && !fault.get().storeFirst()) {
      response = status(fault.get().code(), "injected fault");
      fault.get().retryAfterSeconds().ifPresent(s -> response.setHeader("Retry-After", s));
    } else {
      MockResponse served = serve(request, path);
      response = fault.map(f -> f.hang()
              .map(delay -> served.setBodyDelay(delay))
              .orElseGet(() -> status(f.code(), "injected fault after the write was stored")))
          .orElse(served);
    }
    requests.add(new Seen(at, userAgent, request.getMethod(), path, name, watch, response.code()));
    return response;
  }

  private static String nameOf(RecordedRequest request, String path) {
    if ("POST".equals(request.getMethod()) && request.getBody().size() > 0) {
      return readTree(body(request)).path("metadata").path("name").asText("");
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** Every rule counts every request it accepts; the first whose turn it is answers. */
  private Optional<Fault> faultFor(Seen arriving) {
    Optional<Fault> fault = Optional.empty();
    for (Rule rule : rules) {
      if (rule.request().test(arriving) && rule.seen().incrementAndGet() == rule.nth()
          && fault.isEmpty()) {
        rule.fired().incrementAndGet();
        fault = Optional.of(rule.fault());
      }
    }
    return fault;
  }

  private MockResponse serve(RecordedRequest request, String path) {
    String contentType = Optional.ofNullable(request.getHeader("Content-Type")).orElse("");
    if ("PATCH".equals(request.getMethod()) && contentType.startsWith(APPLY)) {
      return apply(request, path);
    }
    if ("POST".equals(request.getMethod()) && request.getBody().size() > 0) {
      ObjectNode body = (ObjectNode) readTree(body(request));
      foldStringData(body);
      request = request(HttpMethod.POST, path, "application/json", body.toString());
    }
    MockResponse response = store.dispatch(request);
    if (response.getWebSocketListener() != null) {
      return response.withWebSocketUpgrade(new TrackedWatch(response.getWebSocketListener()));
    }
    if ("POST".equals(request.getMethod()) && response.code() == 201) {
      JsonNode created = read(response);
      countCreate(path + "/" + created.path("metadata").path("name").asText(), created);
    }
    return response;
  }

  private MockResponse apply(RecordedRequest request, String path) {
    boolean statusOnly = path.endsWith("/status");
    String objectPath = statusOnly ? path.substring(0, path.length() - "/status".length()) : path;
    ObjectNode body = (ObjectNode) readTree(body(request));
    ObjectNode metadata = (ObjectNode) body.path("metadata");
    String precondition = metadata.path("resourceVersion").asText(null);
    metadata.remove("resourceVersion");
    foldStringData(body);
    MockResponse current = store.dispatch(request(HttpMethod.GET, objectPath, null, null));
    if (current.code() == 404) {
      if (statusOnly) {
        return current;
      }
      metadata.set("managedFields", managedFields(body, fieldManager(request)));
      String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
      MockResponse created = store.dispatch(
          request(HttpMethod.POST, collection, "application/json", body.toString()));
      if (created.code() == 201) {
        countCreate(objectPath, read(created));
      }
      return created;
    }
    JsonNode existing = read(current);
    if (precondition != null
        && !precondition.equals(existing.path("metadata").path("resourceVersion").asText())) {
      return status(409, "Operation cannot be fulfilled: the object has been modified");
    }
    if (existing.path("immutable").asBoolean(false) && body.has("data")
        && !body.get("data").equals(existing.path("data"))) {
      return status(422, "field is immutable when `immutable` is set");
    }
    if (!statusOnly) {
      metadata.set("managedFields", managedFields(body, fieldManager(request)));
    }
    return store.dispatch(request(HttpMethod.PATCH, path, "application/merge-patch+json",
        body.toString()));
  }

  /** What kube-apiserver does to a Secret's stringData: it is write-only, merged into data. */
  private static void foldStringData(ObjectNode body) {
    if (!"Secret".equals(body.path("kind").asText()) || !body.has("stringData")) {
      return;
    }
    ObjectNode data = body.has("data") ? (ObjectNode) body.get("data") : body.putObject("data");
    body.get("stringData").fields().forEachRemaining(entry -> data.put(entry.getKey(),
        Base64.getEncoder().encodeToString(
            entry.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    body.remove("stringData");
  }

  /**
   * The fields this apply owns, in the fieldsV1 form: every map key, lists as a whole (as if every
   * list were atomic, which is enough for a matcher that copies what it owns).
   */
  private static ArrayNode managedFields(ObjectNode body, String manager) {
    ObjectNode fields = JSON.createObjectNode();
    body.fields().forEachRemaining(entry -> {
      if (!"apiVersion".equals(entry.getKey()) && !"kind".equals(entry.getKey())
          && !"status".equals(entry.getKey())) {
        fields.set("f:" + entry.getKey(), "metadata".equals(entry.getKey())
            ? owned(((ObjectNode) entry.getValue().deepCopy())
                .without(List.of("name", "namespace", "managedFields")))
            : owned(entry.getValue()));
      }
    });
    ObjectNode entry = JSON.createObjectNode()
        .put("manager", manager).put("operation", "Apply").put("apiVersion", body.path("apiVersion").asText())
        .put("fieldsType", "FieldsV1");
    entry.set("fieldsV1", fields);
    return JSON.createArrayNode().add(entry);
  }

  private static ObjectNode owned(JsonNode value) {
    ObjectNode fields = JSON.createObjectNode();
    if (value.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        fields.set("f:" + entry.getKey(), owned(entry.getValue()));
      }
    }
    return fields;
  }

  private static String fieldManager(RecordedRequest request) {
    String query = Optional.ofNullable(URI.create(request.getPath()).getRawQuery()).orElse("");
    for (String parameter : query.split("&")) {
      if (parameter.startsWith("fieldManager=")) {
        return parameter.substring("fieldManager=".length());
      }
    }
    return "unknown";
  }

  private void countCreate(String objectPath, JsonNode created) {
    creates.computeIfAbsent(objectPath, p -> new AtomicInteger()).incrementAndGet();
    firstData.putIfAbsent(objectPath, created);
  }

  private static RecordedRequest request(HttpMethod method, String path, String contentType,
      String body) {
    Headers.Builder headers = Headers.builder();
    if (contentType != null) {
      headers.add("Content-Type", contentType);
    }
    return new RecordedRequest("HTTP/1.1", method, path, headers.build(),
        new Buffer(body == null ? null : body.getBytes(StandardCharsets.UTF_8)));
  }

  private static MockResponse status(int code, String message) {
    String reason = switch (code) {
      case 409 -> "Conflict";
      case 422 -> "Invalid";
      case 429 -> "TooManyRequests";
      default -> "InternalError";
    };
    ObjectNode status = JSON.createObjectNode()
        .put("apiVersion", "v1").put("kind", "Status").put("status", "Failure")
        .put("message", message).put("reason", reason).put("code", code);
    return new MockResponse().setResponseCode(code).setBody(status.toString());
  }

  /** The body, left in place for whoever reads it next (the Buffer's own reads consume it). */
  private static String body(RecordedRequest request) {
    return new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
  }

  private static String pathOf(RecordedRequest request) {
    return URI.create(request.getPath()).getPath();
  }

  private static JsonNode read(MockResponse response) {
    return readTree(new String(response.getBody().getBytes(), StandardCharsets.UTF_8));
  }

  private static JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /** A watch the test can close: the CRUD store's listener, with its socket remembered. */
  private final class TrackedWatch extends WebSocketListener {
    private final WebSocketListener delegate;

    TrackedWatch(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      watches.add(webSocket);
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      watches.remove(webSocket);
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      watches.remove(webSocket);
      delegate.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      watches.remove(webSocket);
      delegate.onFailure(webSocket, error, response);
    }
  }
}
