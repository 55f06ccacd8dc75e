package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import lombok.Getter;
import lombok.Setter;

/**
 * Which signing key signs and where its rotation stands. Kids and times only: never key material.
 * Times are RFC 3339, to the second.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class SigningKeyStatus extends SerializedValue {

  @JsonPropertyDescription("The kid that the key Secret's active-kid names: the key that signs.")
  private String activeKid;

  @JsonPropertyDescription("When the active key started to sign, as the operator recorded it.")
  private String activeSince;

  @JsonPropertyDescription("When the next rotation starts (spec.jwt.keyRotation): a new key is"
      + " added then, and signs once every auth pod publishes it. Absent without keyRotation and"
      + " while a rotation is under way.")
  private String nextRotation;

  @JsonPropertyDescription("A key added by a rotation that does not sign yet: it is being"
      + " published in every auth pod's JWKS.")
  private String publishingKid;

  @JsonPropertyDescription("The previous key, which keeps verifying the tokens it signed until"
      + " retiringAfter.")
  private String retiringKid;

  @JsonPropertyDescription("When the retiring key is removed: every token it signed has expired"
      + " by then. Absent until every auth pod signs with the active key.")
  private String retiringAfter;
}
