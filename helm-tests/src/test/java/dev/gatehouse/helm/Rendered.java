package dev.gatehouse.helm;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code helm template} printed: the text, and each document as a Kubernetes object (typed
 * objects on demand with {@link #one}/{@link #all}).
 */
record Rendered(String text, List<GenericKubernetesResource> objects) {

  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Rendered parse(String text) {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    try (MappingIterator<Map<String, Object>> documents =
        YAML.readerFor(Map.class).readValues(text)) {
      while (documents.hasNext()) {
        Map<String, Object> document = documents.next();
        if (document != null && !document.isEmpty()) {
          objects.add(SERIALIZATION.convertValue(document, GenericKubernetesResource.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("helm printed something that is not YAML:\n" + text, e);
    }
    return new Rendered(text, List.copyOf(objects));
  }

  List<GenericKubernetesResource> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  /** Every object of the kind of {@code type}, converted to it. */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return ofKind(type.getSimpleName()).stream().map(o -> SERIALIZATION.convertValue(o, type)).toList();
  }

  /** The one object of that type, failing if there are none or several. */
  <T extends HasMetadata> T one(Class<T> type) {
    List<T> found = all(type);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + type.getSimpleName() + ", rendered " + found.size()
          + ": " + kindsAndNames());
    }
    return found.get(0);
  }

  List<String> kindsAndNames() {
    return objects.stream().map(o -> o.getKind() + " " + (o.getMetadata().getNamespace() == null
        ? "" : o.getMetadata().getNamespace() + "/") + o.getMetadata().getName()).toList();
  }
}
