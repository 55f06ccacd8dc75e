package dev.gatehouse.operator.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The API server's audit log (JSON lines, level Metadata for every request), read to count the writes a
 * client made: the proof that the operator leaves a converged resource alone.
 *
 * <p>The API server writes an event only when a request completes, so a log read at any instant may
 * miss requests that have already been answered. Both {@link #mark()} and {@link #writesSince} therefore
 * first send a barrier request (a GET of a ConfigMap with a unique name, answered 404) and wait for its
 * event: everything answered before the barrier was sent is then on disk, and an empty result means
 * "no writes", not "not written yet". The barrier is a read, so it never shows up among the writes.
 */
public final class AuditLog {

  /** The verbs that change state; SSA and JSON/merge patches are all "patch". */
  private static final Set<String> WRITE_VERBS =
      Set.of("create", "update", "patch", "delete", "deletecollection");
  private static final String RESPONSE_COMPLETE = "ResponseComplete";
  private static final String BARRIER_NAMESPACE = "default";
  private static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final KubernetesClient client;

  AuditLog(Path file, KubernetesClient client) {
    this.file = file;
    this.client = client;
  }

  /** The log file, to name in a failure message or to read by hand. */
  public Path file() {
    return file;
  }

  /** A point in the log after every request answered so far. */
  public Mark mark() {
    return new Mark(barrier());
  }

  /** Every write (any response code) that completed after {@code mark}, oldest first. */
  public List<Entry> writesSince(Mark mark) {
    return writesSince(mark, entry -> true);
  }

  /**
   * The writes (verbs create, update, patch, delete, deletecollection; any response code) that completed
   * after {@code mark} and match {@code filter}, oldest first. Requests answered before this call are
   * included; see the class comment.
   */
  public List<Entry> writesSince(Mark mark, Predicate<? super Entry> filter) {
    barrier();
    List<Entry> writes = new ArrayList<>();
    for (String line : completeLinesFrom(mark.offset())) {
      Entry entry = Entry.parse(line);
      if (entry.isWrite() && filter.test(entry)) {
        writes.add(entry);
      }
    }
    return writes;
  }

  /** Every completed request (reads and watches too) after {@code mark} that matches {@code filter}. */
  public List<Entry> requestsSince(Mark mark, Predicate<? super Entry> filter) {
    barrier();
    List<Entry> requests = new ArrayList<>();
    for (String line : completeLinesFrom(mark.offset())) {
      Entry entry = Entry.parse(line);
      if (filter.test(entry)) {
        requests.add(entry);
      }
    }
    return requests;
  }

  /** Requests whose User-Agent header starts with {@code prefix} (fabric8 sends it verbatim). */
  public static Predicate<Entry> byUserAgent(String prefix) {
    return entry -> entry.userAgent() != null && entry.userAgent().startsWith(prefix);
  }

  /** Requests on a resource, by its plural name, e.g. {@code "configmaps"}, {@code "authservices"}. */
  public static Predicate<Entry> onResource(String resource) {
    return entry -> resource.equals(entry.resource());
  }

  public static Predicate<Entry> inNamespace(String namespace) {
    return entry -> namespace.equals(entry.namespace());
  }

  /**
   * Sends a request that is audited but never a write, waits until its event is in the file and returns
   * the offset just after that event's line.
   */
  private long barrier() {
    String name = "audit-barrier-" + UUID.randomUUID();
    // The barrier's event is written after this offset, since its request has not been sent yet.
    long searchFrom = size();
    client.configMaps().inNamespace(BARRIER_NAMESPACE).withName(name).get();
    byte[] needle = name.getBytes(StandardCharsets.UTF_8);
    long deadline = System.nanoTime() + BARRIER_TIMEOUT.toNanos();
    while (true) {
      long end = offsetAfterLineContaining(searchFrom, needle);
      if (end >= 0) {
        return end;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the audit event of barrier request " + name
            + " did not reach " + file + " within " + BARRIER_TIMEOUT);
      }
      sleep(Duration.ofMillis(20));
    }
  }

  private long offsetAfterLineContaining(long from, byte[] needle) {
    byte[] bytes = readFrom(from);
    int at = indexOf(bytes, needle);
    if (at < 0) {
      return -1;
    }
    for (int i = at + needle.length; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        return from + i + 1;
      }
    }
    return -1; // the line is still being written
  }

  private List<String> completeLinesFrom(long offset) {
    byte[] bytes = readFrom(offset);
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        if (i > start) {
          lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return lines;
  }

  private byte[] readFrom(long offset) {
    try (InputStream in = Files.newInputStream(file)) {
      if (Files.size(file) < offset) {
        // kube-apiserver rotates the file at --audit-log-maxsize; marks would point into the old one.
        throw new IllegalStateException(file + " shrank below offset " + offset + ": rotated?");
      }
      in.skipNBytes(offset);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long size() {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the audit log", e);
    }
  }

  /** A byte offset in the log, just after the event of a barrier request. */
  public record Mark(long offset) {
  }

  /**
   * One audit event.
   *
   * @param username the user the request acted as: the impersonated user if any, else the authenticated one
   * @param code the HTTP status of the response, 0 if the event has none
   * @param subresource e.g. {@code "status"}, null for the main resource
   * @param namespace null for cluster-scoped resources
   */
  public record Entry(String verb, String stage, String apiGroup, String resource, String subresource,
      String namespace, String name, String userAgent, String username, int code, String requestUri) {

    static Entry parse(String line) {
      JsonNode event;
      try {
        event = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("not an audit event: " + line, e);
      }
      JsonNode ref = event.path("objectRef");
      JsonNode impersonated = event.path("impersonatedUser");
      String username = impersonated.isMissingNode()
          ? text(event.path("user"), "username")
          : text(impersonated, "username");
      return new Entry(text(event, "verb"), text(event, "stage"), text(ref, "apiGroup"),
          text(ref, "resource"), text(ref, "subresource"), text(ref, "namespace"), text(ref, "name"),
          text(event, "userAgent"), username, event.path("responseStatus").path("code").asInt(0),
          text(event, "requestURI"));
    }

    private static String text(JsonNode node, String field) {
      JsonNode value = node.get(field);
      return value == null || value.isNull() ? null : value.asText();
    }

    /** A completed request with a verb that changes state, whether or not it succeeded. */
    public boolean isWrite() {
      return RESPONSE_COMPLETE.equals(stage) && WRITE_VERBS.contains(verb);
    }

    @Override
    public String toString() {
      return verb + " " + requestUri + " -> " + code + " by " + username + " (" + userAgent + ")";
    }
  }
}
