package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import lombok.Getter;
import lombok.Setter;

/** What a user may add to the auth pods; the operator owns everything else in the pod template. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@SchemaCustomizer(EmbeddedTypeSchemas.Pod.class)
@Getter
@Setter
public class PodSettings {

  @JsonPropertyDescription("Node labels the auth pods must be scheduled on (label keys and"
      + " values).")
  private Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the auth pods, as in a pod spec: operator Exists or"
      + " Equal, effect NoSchedule, PreferNoSchedule or NoExecute; tolerationSeconds only with"
      + " NoExecute.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Affinity and anti-affinity of the auth pods, as in a pod spec;"
      + " weights 1 to 100.")
  private Affinity affinity;

  @JsonPropertyDescription("Priority class of the auth pods.")
  @Size(max = 253)
  @Pattern(SecretReference.DNS_SUBDOMAIN)
  private String priorityClassName;

  @JsonPropertyDescription("Extra labels on the auth pods. The `app.kubernetes.io/*` labels are the"
      + " operator's and cannot be overridden.")
  private Map<String, String> labels;

  @JsonPropertyDescription("Extra annotations on the auth pods; at most 256 KiB together.")
  private Map<String, String> annotations;
}
