package dev.gatehouse.operator.secrets;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads {@code clients.yaml} as the auth service's ClientRegistry does at start-up
 * (docs/auth-service-contract.md, "Clients file"): a file the pods would refuse to start with is
 * reported before any pod is rolled onto it. The samples in contracts/clients/ are read by this
 * class's test and by the auth service's. Messages name clients by id and fields by name, never a
 * secret hash.
 */
final class ClientsFile {

  static final Set<String> GRANT_TYPES = Set.of("client_credentials", "password", "refresh_token");
  private static final List<String> HASH_PREFIXES = List.of("$2a$", "$2b$", "$2y$", "$argon2id$");
  private static final int MAX_SHOWN_ID = 64;

  private ClientsFile() {}

  /** The first thing the auth service would refuse in the file, if any. */
  static Optional<String> problem(byte[] file) {
    // A stray Latin-1 byte, even in a comment, stops the service's reader.
    Optional<String> text = SecretData.utf8(file);
    if (text.isEmpty()) {
      return Optional.of("is not UTF-8 text");
    }
    String content = text.get();
    Object document;
    try {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(content);
    } catch (YAMLException e) {
      // Not the parser's message: it quotes the offending line, which may hold a hash. The
      // parser's limits (aliases, size) are the service's too.
      return Optional.of("cannot be read as YAML" + line(e));
    }
    if (!(document instanceof Map<?, ?> root) || !(root.get("clients") instanceof List<?> entries)) {
      return Optional.of("expected a top-level `clients:` list");
    }
    Set<String> ids = new HashSet<>();
    int index = 0;
    for (Object entry : entries) {
      index++;
      if (!(entry instanceof Map<?, ?> fields)) {
        return Optional.of("client " + index + " is not a mapping of id, secret-hash, grant-types"
            + " and scopes");
      }
      Optional<String> problem = clientProblem(index, fields, ids);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> clientProblem(int index, Map<?, ?> fields, Set<String> ids) {
    Object rawId = fields.get("id");
    String id = rawId == null ? null : rawId.toString();
    if (id == null || id.isBlank()) {
      return Optional.of("client " + index + " has no id");
    }
    if (!isHeaderSafe(id)) {
      return Optional.of("client " + index + ": its id must be printable ASCII without leading or"
          + " trailing spaces");
    }
    String name = "client " + (id.length() <= MAX_SHOWN_ID ? id : index + "");
    Object hash = fields.get("secret-hash");
    if (hash == null || HASH_PREFIXES.stream().noneMatch(hash.toString()::startsWith)) {
      return Optional.of(name + " needs a secret-hash in bcrypt ($2a$/$2b$/$2y$) or Argon2id"
          + " ($argon2id$) form");
    }
    Optional<List<String>> grantTypes = strings(fields.get("grant-types"));
    if (grantTypes.isEmpty()) {
      return Optional.of(name + ": grant-types must be a list of words");
    }
    List<String> unknown = new ArrayList<>(grantTypes.get());
    unknown.removeAll(GRANT_TYPES);
    if (grantTypes.get().isEmpty() || !unknown.isEmpty()) {
      return Optional.of(name + " has grant-types " + grantTypes.get()
          + "; allowed are client_credentials, password and refresh_token");
    }
    Optional<List<String>> scopes = strings(fields.get("scopes"));
    if (scopes.isEmpty()) {
      return Optional.of(name + ": scopes must be a list of words");
    }
    if (scopes.get().stream().anyMatch(s -> s.isEmpty() || s.contains(" ") || !isHeaderSafe(s))) {
      return Optional.of(name + " has a scope that is not printable ASCII without spaces"
          + " (RFC 6749 §3.3)");
    }
    if (!ids.add(id)) {
      return Optional.of(name + " is listed twice");
    }
    return Optional.empty();
  }

  /** Absent is an empty list; a scalar, a mapping or a list with an empty item is refused. */
  private static Optional<List<String>> strings(Object value) {
    if (value == null) {
      return Optional.of(List.of());
    }
    if (!(value instanceof List<?> list) || list.contains(null)) {
      return Optional.empty();
    }
    return Optional.of(list.stream().map(String::valueOf).distinct().toList());
  }

  /** The auth service's rule for what may go into a token and a forward-auth header. */
  private static boolean isHeaderSafe(String value) {
    int length = value.length();
    if (length > 0 && (value.charAt(0) == ' ' || value.charAt(length - 1) == ' ')) {
      return false;
    }
    return value.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
  }

  private static String line(YAMLException e) {
    if (e instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked
        && marked.getProblemMark() != null) {
      return " (line " + (marked.getProblemMark().getLine() + 1) + ")";
    }
    return "";
  }
}
