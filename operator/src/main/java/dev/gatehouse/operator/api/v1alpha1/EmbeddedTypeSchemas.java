package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRuleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bounds the Kubernetes API puts on the types this CRD embeds from fabric8's model
 * (ResourceRequirements, Toleration, Affinity, label maps), which the CRD generator cannot see.
 *
 * <p>Without them the API server stores what the operator cannot read or the cluster will not take.
 * A preferred-affinity weight of 2^31 overflows the Java {@code int}, and an empty quantity or
 * {@code 1e5m} makes fabric8's {@code Quantity} throw: the informer could not read that AuthService
 * (see {@link AuthService#unreadableSpec()}). A bad operator or label reaches the Deployment, which
 * the API server then refuses, far from the user who wrote it. So each value gets the type, range,
 * pattern or enum the Kubernetes API validates, and each rule says in words what to write instead.
 *
 * <p>The affinity's bounds are in {@link AffinitySchema}; the helpers here that edit a generated
 * schema serve both.
 *
 * <p>Patterns avoid backslashes ({@code [.]} for a dot) so that they can be pasted into CEL string
 * literals unchanged.
 */
public final class EmbeddedTypeSchemas {

  /** A label value: at most 63 characters (maxLength), alphanumeric at both ends. */
  static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";
  /** A qualified name (label and annotation keys): an optional DNS-subdomain prefix and '/'. */
  static final String QUALIFIED_NAME = "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?([.][a-z0-9]([-a-z0-9]{0,61}"
      + "[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
  /** 253 for the prefix, the slash, 63 for the name. */
  static final long QUALIFIED_NAME_MAX = 317;
  /** A Kubernetes quantity without a sign, the grammar of resource.ParseQuantity. */
  static final String QUANTITY = "^(([0-9]+([.][0-9]*)?)|([.][0-9]+))(([KMGTPE]i)|[numkMGTPE]"
      + "|([eE][+-]?(([0-9]+([.][0-9]*)?)|([.][0-9]+))))?$";
  static final String DNS_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  /** Lists and maps are bounded so that the API server can estimate the cost of the CEL rules. */
  static final long MAX_ENTRIES = 64;
  static final long MAX_TERMS = 16;

  private EmbeddedTypeSchemas() {}

  /**
   * Bounds the {@code ResourceRequirements} in the property named by the annotation's input:
   * quantities that parse, resource names Kubernetes knows, requests no larger than limits.
   */
  public static final class Resources implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps owner, String property,
        KubernetesSerialization serialization) {
      JSONSchemaProps resources = property(owner, property);
      for (String list : List.of("limits", "requests")) {
        JSONSchemaProps quantities = property(resources, list);
        quantities.setMaxProperties(16L);
        JSONSchemaProps quantity = values(quantities);
        quantity.setPattern(QUANTITY);
        quantity.setMaxLength(64L);
        quantity.setMinimum(0d);
        rule(quantities, "self.all(r, r in ['cpu', 'memory', 'ephemeral-storage']"
                + " || r.startsWith('hugepages-') || (r.contains('/') && r.matches('" + QUALIFIED_NAME + "')))",
            property + "." + list + ": a resource is cpu, memory, ephemeral-storage, hugepages-<size>"
                + " or a vendor resource such as example.com/gpu", null);
        // What the pattern lets through but Kubernetes cannot hold, such as an exponent of 400.
        rule(quantities, "self.all(r, isQuantity(string(self[r])))",
            property + "." + list + ": every value must be a quantity Kubernetes can hold, such as"
                + " 500m, 2, 512Mi or 1Gi", null);
      }
      rule(resources, "!has(self.requests) || !has(self.limits) || self.requests.all(r,"
              + " !(r in self.limits) || !isQuantity(string(self.requests[r]))"
              + " || !isQuantity(string(self.limits[r]))"
              + " || quantity(string(self.requests[r])).compareTo(quantity(string(self.limits[r]))) <= 0)",
          property + ".requests must not exceed " + property + ".limits for the same resource:"
              + " Kubernetes refuses such a container", ".requests");
      rule(resources, "!has(self.claims)", property + ".claims is not supported: the pods declare no"
          + " resource claims for it to name", ".claims");
      return owner;
    }
  }

  /**
   * Bounds the length of each string of a list, input {@code <property>:<maxLength>}: the CRD
   * generator has no annotation for list items, and without a bound the API server estimates a CEL
   * rule over the list as too costly.
   */
  public static final class StringItems implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps owner, String input,
        KubernetesSerialization serialization) {
      String[] propertyAndLength = input.split(":");
      items(property(owner, propertyAndLength[0])).setMaxLength(Long.parseLong(propertyAndLength[1]));
      return owner;
    }
  }

  /** Bounds the tolerations, affinity and label maps of {@link PodSettings}. */
  public static final class Pod implements SchemaCustomizer.Customizer {
    @Override
    public JSONSchemaProps apply(JSONSchemaProps pod, String input,
        KubernetesSerialization serialization) {
      labelMap(property(pod, "nodeSelector"), "pod.nodeSelector");
      labelMap(property(pod, "labels"), "pod.labels");
      annotationMap(property(pod, "annotations"));
      tolerations(property(pod, "tolerations"));
      AffinitySchema.apply(property(pod, "affinity"));
      return pod;
    }
  }

  private static void tolerations(JSONSchemaProps list) {
    list.setMaxItems(MAX_ENTRIES);
    JSONSchemaProps toleration = items(list);
    JSONSchemaProps key = property(toleration, "key");
    // Empty, with operator Exists, tolerates every taint.
    key.setPattern("^$|" + QUALIFIED_NAME);
    key.setMaxLength(QUALIFIED_NAME_MAX);
    oneOf(property(toleration, "operator"), "Exists", "Equal");
    oneOf(property(toleration, "effect"), "", "NoSchedule", "PreferNoSchedule", "NoExecute");
    labelValue(property(toleration, "value"));
    // Beyond int64 the API server itself refuses the number as not an integer.
    property(toleration, "tolerationSeconds").setFormat("int64");
    rule(toleration, "has(self.key) && self.key != '' || has(self.operator) && self.operator == 'Exists'",
        "a toleration without a key must have operator Exists (it then tolerates every taint)",
        ".operator");
    rule(toleration, "!has(self.operator) || self.operator != 'Exists' || !has(self.value)"
            + " || self.value == ''",
        "a toleration with operator Exists has no value", ".value");
    rule(toleration, "!has(self.tolerationSeconds) || has(self.effect) && self.effect == 'NoExecute'",
        "tolerationSeconds applies only to effect NoExecute", ".tolerationSeconds");
  }

  /** Keys are label keys, values label values. */
  static void labelMap(JSONSchemaProps map, String name) {
    map.setMaxProperties(MAX_ENTRIES);
    labelValue(values(map));
    keysAreQualifiedNames(map, "every key of " + name + " must be a label key: at most 63 letters,"
        + " digits, '-', '_' or '.', alphanumeric at both ends, optionally after a DNS-subdomain"
        + " prefix and '/', e.g. example.com/team");
  }

  /** Kubernetes allows 256 KiB for all the annotations of an object together. */
  private static void annotationMap(JSONSchemaProps map) {
    map.setMaxProperties(MAX_ENTRIES);
    values(map).setMaxLength(262144L);
    keysAreQualifiedNames(map, "every key of pod.annotations must be a qualified name: at most 63"
        + " letters, digits, '-', '_' or '.', alphanumeric at both ends, optionally after a"
        + " DNS-subdomain prefix and '/', e.g. example.com/owner");
    rule(map, "self.all(k, k.size() <= 317) && self.map(k, k.size() + self[k].size()).sum() <= 262144",
        "pod.annotations may hold at most 256 KiB together (keys and values), as Kubernetes allows",
        null);
  }

  private static void keysAreQualifiedNames(JSONSchemaProps map, String message) {
    rule(map, "self.all(k, k.size() <= " + QUALIFIED_NAME_MAX + " && k.matches('" + QUALIFIED_NAME
        + "') && (!k.contains('/') || k.indexOf('/') <= 253))", message, null);
  }

  static void qualifiedName(JSONSchemaProps string) {
    string.setPattern(QUALIFIED_NAME);
    string.setMaxLength(QUALIFIED_NAME_MAX);
  }

  static void labelValue(JSONSchemaProps string) {
    string.setPattern(LABEL_VALUE);
    string.setMaxLength(63L);
  }

  static void oneOf(JSONSchemaProps string, String... values) {
    string.setEnum(Arrays.stream(values).<JsonNode>map(TextNode::valueOf).toList());
  }

  static void bound(JSONSchemaProps integer, String format, long min, long max) {
    integer.setFormat(format);
    integer.setMinimum((double) min);
    integer.setMaximum((double) max);
  }

  static void rule(JSONSchemaProps schema, String rule, String message, String fieldPath) {
    List<ValidationRule> rules =
        new ArrayList<>(schema.getXKubernetesValidations() == null
            ? List.of() : schema.getXKubernetesValidations());
    rules.add(new ValidationRuleBuilder().withRule(rule).withMessage(message)
        .withFieldPath(fieldPath).build());
    schema.setXKubernetesValidations(rules);
  }

  static JSONSchemaProps property(JSONSchemaProps object, String name) {
    JSONSchemaProps property = object.getProperties() == null ? null : object.getProperties().get(name);
    if (property == null) {
      throw new IllegalStateException("the generated schema has no property " + name
          + ": has fabric8's model of the embedded Kubernetes type changed?");
    }
    return property;
  }

  static JSONSchemaProps items(JSONSchemaProps array) {
    return array.getItems().getSchema();
  }

  static JSONSchemaProps values(JSONSchemaProps map) {
    return map.getAdditionalProperties().getSchema();
  }
}
