package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/** A JWT auth service backed by a pooled Redis, run by the Gatehouse operator. */
@Group(AuthService.GROUP)
@Version(AuthService.VERSION)
@ShortNames("gas")
@Categories("gatehouse")
@AdditionalPrinterColumn(
    name = ConditionTypes.READY,
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.READY + "\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".status.readyReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Desired",
    jsonPath = ".spec.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Redis",
    jsonPath = ".status.conditions[?(@.type==\"" + ConditionTypes.REDIS_POOL_HEALTHY + "\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Connections",
    jsonPath = ".status.redisPool.plannedConnections",
    type = AdditionalPrinterColumn.Type.INTEGER,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// Every child is named after the AuthService (ChildNamesTest checks each against this bound): the
// longest constrained one is the Redis StatefulSet <name>-redis, whose pods carry the label
// controller-revision-hash=<statefulset>-<hash of up to 10>, at most 63 characters; and the Service
// <name> must be a DNS label.
@ValidationRule(
    value = "self.metadata.name.size() <= " + AuthService.MAX_NAME_LENGTH,
    message = "metadata.name must be at most 46 characters: the operator names the Redis"
        + " StatefulSet <name>-redis, and Kubernetes allows a StatefulSet name of at most 52")
// With Sentinels, <name>-sentinel is the longest StatefulSet.
@ValidationRule(
    value = "!has(self.spec) || !has(self.spec.redis) || !has(self.spec.redis.managed)"
        + " || !has(self.spec.redis.managed.highAvailability)"
        + " || self.metadata.name.size() <= " + AuthService.MAX_HIGHLY_AVAILABLE_NAME_LENGTH,
    message = "metadata.name must be at most 43 characters with redis.managed.highAvailability:"
        + " the operator names the Sentinels' StatefulSet <name>-sentinel, and Kubernetes allows a"
        + " StatefulSet name of at most 52")
@ValidationRule(
    value = "self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
    message = "metadata.name must start with a lowercase letter and hold only lowercase letters,"
        + " digits and '-' (no dots): it is also the name of the auth Service, a DNS label")
public class AuthService extends CustomResource<AuthServiceSpec, AuthServiceStatus>
    implements Namespaced {

  public static final String GROUP = "gatehouse.dev";
  public static final String VERSION = "v1alpha1";
  public static final int MAX_NAME_LENGTH = 46;
  public static final int MAX_HIGHLY_AVAILABLE_NAME_LENGTH = 43;

  /** Required: an AuthService without a spec has nothing to run. */
  @Override
  @Required
  public AuthServiceSpec getSpec() {
    return super.getSpec();
  }

  /**
   * Read leniently: an AuthService whose spec does not fit the Java model (stored before the CRD
   * had its bounds, or past them some other way) must not fail the informer, which would stop the
   * operator for every AuthService. It is kept, with {@link #unreadableSpec()} saying why.
   */
  @Override
  @JsonDeserialize(using = SpecReader.class)
  public void setSpec(AuthServiceSpec spec) {
    super.setSpec(spec);
  }

  /** The status is the operator's own: one it cannot read is dropped and written afresh. */
  @Override
  @JsonDeserialize(using = StatusReader.class)
  public void setStatus(AuthServiceStatus status) {
    super.setStatus(status);
  }

  /** Why the operator cannot work from this AuthService's spec, in words; empty when it can. */
  public Optional<String> unreadableSpec() {
    if (getSpec() == null) {
      return Optional.of("spec is missing");
    }
    return getSpec() instanceof UnreadableSpec unreadable
        ? Optional.of(unreadable.problem) : Optional.empty();
  }

  /**
   * Stands in for a spec that could not be read; never reconciled. It serializes as the spec it
   * was read from, so that a copy (JOSDK clones each resource it hands to the reconciler through
   * JSON) reads as unreadable again instead of as an empty spec.
   */
  private static final class UnreadableSpec extends AuthServiceSpec {
    private final JsonNode stored;
    private final String problem;

    private UnreadableSpec(JsonNode stored, String problem) {
      this.stored = stored;
      this.problem = problem;
    }

    @JsonValue
    JsonNode stored() {
      return stored;
    }
  }

  /**
   * Reads the value as the model's type or, when it does not fit, returns what {@code unreadable}
   * makes of the stored JSON and the problem, instead of failing the whole AuthService.
   */
  private abstract static class LenientReader<T> extends JsonDeserializer<T> {
    private final Class<T> type;
    private final BiFunction<JsonNode, Exception, T> unreadable;

    LenientReader(Class<T> type, BiFunction<JsonNode, Exception, T> unreadable) {
      this.type = type;
      this.unreadable = unreadable;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      JsonNode tree = context.readTree(parser);
      try {
        return context.readTreeAsValue(tree, type);
      } catch (JacksonException | IllegalArgumentException e) {
        return unreadable.apply(tree, e);
      }
    }
  }

  static final class SpecReader extends LenientReader<AuthServiceSpec> {
    SpecReader() {
      super(AuthServiceSpec.class, (stored, e) -> new UnreadableSpec(stored, describe(stored, e)));
    }
  }

  static final class StatusReader extends LenientReader<AuthServiceStatus> {
    StatusReader() {
      super(AuthServiceStatus.class, (stored, e) -> null);
    }
  }

  /**
   * The field, its value and what the model expected, in words: not Jackson's message, which
   * names Java classes and the source position.
   */
  private static String describe(JsonNode spec, Exception e) {
    StringBuilder field = new StringBuilder("spec");
    JsonNode value = spec;
    List<JsonMappingException.Reference> path =
        e instanceof JsonMappingException mapping ? mapping.getPath() : List.of();
    for (JsonMappingException.Reference reference : path) {
      if (reference.getFieldName() != null) {
        field.append('.').append(reference.getFieldName());
        value = value.path(reference.getFieldName());
      } else {
        field.append('[').append(reference.getIndex()).append(']');
        value = value.path(reference.getIndex());
      }
    }
    String shown = value.isMissingNode() ? "a value" : abbreviate(value.toString());
    Class<?> expected = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
    return field + " holds " + shown + ", which the operator cannot read"
        + (expected == null ? "" : " as " + expectation(expected));
  }

  private static String expectation(Class<?> type) {
    if (type == Integer.class || type == int.class) {
      return "a 32-bit integer";
    }
    if (type == Long.class || type == long.class) {
      return "a 64-bit integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf)
          .collect(Collectors.joining(", "));
    }
    return "an object";
  }

  private static String abbreviate(String json) {
    return json.length() > 64 ? json.substring(0, 61) + "..." : json;
  }
}
