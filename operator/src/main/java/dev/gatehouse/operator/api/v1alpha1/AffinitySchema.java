package dev.gatehouse.operator.api.v1alpha1;

import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.DNS_LABEL;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.MAX_ENTRIES;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.MAX_TERMS;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.bound;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.items;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.labelMap;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.oneOf;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.property;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.qualifiedName;
import static dev.gatehouse.operator.api.v1alpha1.EmbeddedTypeSchemas.rule;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.List;

/**
 * The bounds of the pod affinity ({@link EmbeddedTypeSchemas.Pod}): node affinity, pod
 * (anti-)affinity terms, their selectors and weights, as the Kubernetes API validates them.
 */
final class AffinitySchema {

  private AffinitySchema() {}

  static void apply(JSONSchemaProps affinity) {
    JSONSchemaProps node = property(affinity, "nodeAffinity");
    JSONSchemaProps required = property(node, "requiredDuringSchedulingIgnoredDuringExecution");
    required.setRequired(List.of("nodeSelectorTerms"));
    JSONSchemaProps terms = property(required, "nodeSelectorTerms");
    terms.setMinItems(1L);
    nodeSelectorTerm(items(terms));
    terms.setMaxItems(MAX_TERMS);
    JSONSchemaProps preferred = property(node, "preferredDuringSchedulingIgnoredDuringExecution");
    preferred.setMaxItems(MAX_TERMS);
    weighted(items(preferred), "preference");
    nodeSelectorTerm(property(items(preferred), "preference"));

    for (String kind : List.of("podAffinity", "podAntiAffinity")) {
      JSONSchemaProps pods = property(affinity, kind);
      JSONSchemaProps requiredTerms = property(pods, "requiredDuringSchedulingIgnoredDuringExecution");
      requiredTerms.setMaxItems(MAX_TERMS);
      podAffinityTerm(items(requiredTerms));
      JSONSchemaProps preferredTerms =
          property(pods, "preferredDuringSchedulingIgnoredDuringExecution");
      preferredTerms.setMaxItems(MAX_TERMS);
      weighted(items(preferredTerms), "podAffinityTerm");
      podAffinityTerm(property(items(preferredTerms), "podAffinityTerm"));
    }
  }

  /**
   * Kubernetes takes weights of 1 to 100. Without the bound the API server stored 2^31, which
   * fabric8's {@code Integer} cannot hold.
   */
  private static void weighted(JSONSchemaProps term, String termProperty) {
    bound(property(term, "weight"), "int32", 1, 100);
    term.setRequired(List.of("weight", termProperty));
  }

  private static void nodeSelectorTerm(JSONSchemaProps term) {
    JSONSchemaProps expressions = property(term, "matchExpressions");
    expressions.setMaxItems(MAX_TERMS);
    requirement(items(expressions), true, true);
    JSONSchemaProps fields = property(term, "matchFields");
    fields.setMaxItems(MAX_TERMS);
    JSONSchemaProps field = items(fields);
    requirement(field, true, false);
    // The only node field a selector may name.
    oneOf(property(field, "key"), "metadata.name");
  }

  private static void podAffinityTerm(JSONSchemaProps term) {
    JSONSchemaProps topologyKey = property(term, "topologyKey");
    qualifiedName(topologyKey);
    term.setRequired(List.of("topologyKey"));
    labelSelector(property(term, "labelSelector"));
    labelSelector(property(term, "namespaceSelector"));
    JSONSchemaProps namespaces = property(term, "namespaces");
    namespaces.setMaxItems(MAX_ENTRIES);
    items(namespaces).setPattern(DNS_LABEL);
    items(namespaces).setMaxLength(63L);
    for (String keys : List.of("matchLabelKeys", "mismatchLabelKeys")) {
      JSONSchemaProps list = property(term, keys);
      list.setMaxItems(MAX_TERMS);
      qualifiedName(items(list));
    }
  }

  private static void labelSelector(JSONSchemaProps selector) {
    labelMap(property(selector, "matchLabels"), "matchLabels");
    JSONSchemaProps expressions = property(selector, "matchExpressions");
    expressions.setMaxItems(MAX_TERMS);
    requirement(items(expressions), false, true);
  }

  /**
   * A match expression: In and NotIn need values, Exists and DoesNotExist none, and (node selectors
   * only) Gt and Lt one integer.
   */
  private static void requirement(JSONSchemaProps requirement, boolean node, boolean labelKey) {
    requirement.setRequired(List.of("key", "operator"));
    if (labelKey) {
      qualifiedName(property(requirement, "key"));
    }
    JSONSchemaProps values = property(requirement, "values");
    values.setMaxItems(MAX_ENTRIES);
    items(values).setMaxLength(253L);
    if (node) {
      oneOf(property(requirement, "operator"), "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt");
      rule(requirement, "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0"
              + " : self.operator in ['Exists', 'DoesNotExist'] ? !has(self.values) || size(self.values) == 0"
              + " : has(self.values) && size(self.values) == 1 && self.values[0].matches('^-?[0-9]{1,18}$')",
          "operators In and NotIn need at least one value, Exists and DoesNotExist none, Gt and Lt"
              + " exactly one integer", ".values");
    } else {
      oneOf(property(requirement, "operator"), "In", "NotIn", "Exists", "DoesNotExist");
      rule(requirement, "self.operator in ['In', 'NotIn'] ? has(self.values) && size(self.values) > 0"
              + " : !has(self.values) || size(self.values) == 0",
          "operators In and NotIn need at least one value, Exists and DoesNotExist none", ".values");
    }
  }
}
