package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** A key of a Secret in the AuthService's own namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class SecretKeyReference {

  @JsonPropertyDescription("Name of the Secret.")
  @Required
  @Size(max = 253)
  @Pattern(SecretReference.DNS_SUBDOMAIN)
  private String name;

  @JsonPropertyDescription("Key within the Secret.")
  @Default("password")
  @Size(max = 253)
  @Pattern("^[-._a-zA-Z0-9]+$")
  private String key = "password";

  public SecretKeyReference() {}

  public SecretKeyReference(String name, String key) {
    this.name = name;
    this.key = key;
  }
}
