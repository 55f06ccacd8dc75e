package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Getter;
import lombok.Setter;

/** The managed rotation of the generated signing key (docs/operator.md, "Signing-key rotation"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class KeyRotationSpec {

  @JsonPropertyDescription("How long a signing key signs before the operator rotates it, e.g."
      + " `720h`; 1m to 8760h. A rotation publishes the new key in every auth pod's JWKS before"
      + " any pod signs with it, and keeps the old key verifying until every token it signed has"
      + " expired (accessTokenTtl plus clockSkew); no pod restarts.")
  @Required
  @Pattern(PoolSpec.DURATION)
  @ValidationRule(value = PoolSpec.IF_DURATION
      + "(duration(self) >= duration('1m') && duration(self) <= duration('8760h'))",
      message = "jwt.keyRotation.period must be between 1m and 8760h, e.g. 720h")
  private String period;
}
