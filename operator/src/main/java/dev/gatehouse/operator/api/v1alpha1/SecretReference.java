package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** A whole Secret in the AuthService's own namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class SecretReference {

  static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  @JsonPropertyDescription("Name of the Secret.")
  @Required
  @Size(max = 253)
  @Pattern(DNS_SUBDOMAIN)
  private String name;

  public SecretReference() {}

  public SecretReference(String name) {
    this.name = name;
  }
}
