package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A value equal to another of its class when both serialize to the same JSON: what the API server
 * would store. The reconciler writes the status only when it is not equal to the stored one, so
 * equality must cover every field; derived from the serialized form, it covers a field added later
 * too, where a hand-written {@code equals} that forgot it would silently never write the field.
 */
abstract class SerializedValue {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && tree().equals(((SerializedValue) o).tree());
  }

  @Override
  public final int hashCode() {
    return tree().hashCode();
  }

  private JsonNode tree() {
    return JSON.valueToTree(this);
  }
}
