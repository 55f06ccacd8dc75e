package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.Getter;
import lombok.Setter;

@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = EmbeddedTypeSchemas.StringItems.class,
    input = "audiences:" + JwtSpec.MAX_AUDIENCE_LENGTH)
// duration() runs only on values the pattern accepts: the API server evaluates rules even when a
// pattern failed, and a conversion error would then be reported on spec.jwt besides the field.
// The message names the defaults, since either side may be one the user never wrote (see PoolSpec
// for why it is not a messageExpression).
@ValidationRule(
    value = "!self.accessTokenTtl.matches('" + PoolSpec.DURATION + "')"
        + " || !self.refreshTokenTtl.matches('" + PoolSpec.DURATION + "')"
        + " || duration(self.accessTokenTtl) < duration(self.refreshTokenTtl)",
    message = "jwt.accessTokenTtl (default 15m) must be shorter than jwt.refreshTokenTtl"
        + " (default 720h)",
    fieldPath = ".accessTokenTtl")
// The operator rotates only the key it generates; and it learns that every pod has a new key from
// the pods' JWKS, which an HMAC key is never part of.
@ValidationRule(value = "!has(self.keyRotation) || !has(self.signingKeySecretRef)",
    message = "jwt.keyRotation rotates the generated key; rotate a key Secret of your own as"
        + " docs/operator.md describes, or remove signingKeySecretRef",
    fieldPath = ".keyRotation")
@ValidationRule(value = "!has(self.keyRotation) || !has(self.algorithm) || self.algorithm != 'HS256'",
    message = "jwt.keyRotation needs ES256 or RS256: an HS256 key is never published in the JWKS"
        + " that the rotation watches",
    fieldPath = ".keyRotation")
@Getter
@Setter
public class JwtSpec {

  static final int MAX_AUDIENCE_LENGTH = 256;

  /** Scheme, host (a name, an IPv4 or a bracketed IPv6 address), optional port and path. */
  static final String ISSUER_URL = "^https?://([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|[[][0-9A-Fa-f:.]+[]])"
      + "(:[0-9]{1,5})?(/[^?#[:space:]]*)?$";

  @JsonPropertyDescription("The `iss` claim of issued tokens; verification requires it. An"
      + " absolute http:// or https:// URL with a host and no query or fragment, as OpenID Connect"
      + " discovery expects, e.g. `https://auth.example.com`.")
  @Required
  @Size(min = 1, max = 2048)
  @ValidationRule(value = "self.matches('" + ISSUER_URL + "')",
      message = "jwt.issuer must be an absolute http:// or https:// URL with a host and no"
          + " spaces, query or fragment, e.g. https://auth.example.com")
  private String issuer;

  @JsonPropertyDescription("Audiences (`aud`) of issued tokens; verification requires one of them."
      + " 1 to 32, each 1 to 256 characters without commas or whitespace: the operator hands them"
      + " to the auth pods as one comma-separated list.")
  @Required
  @Size(min = 1, max = 32)
  @ValidationRule(value = "self.all(a, a.size() >= 1 && !a.matches('[,[:space:]]'))",
      message = "each jwt.audiences entry must be 1 to 256 characters with no comma or whitespace"
          + " (the auth pods receive the audiences as one comma-separated list)")
  private List<String> audiences;

  @JsonPropertyDescription("Signing algorithm: ES256 (default; P-256 keys), RS256 (RSA 2048) or"
      + " HS256 (a shared secret: only when every verifier is trusted with it).")
  @Default("ES256")
  private JwtAlgorithm algorithm = JwtAlgorithm.ES256;

  @JsonPropertyDescription("Lifetime of access tokens, e.g. `15m`; 1s to 24h. JWT times are whole"
      + " seconds, so less than 1s expires at issue; an access token cannot be recalled once"
      + " handed to a verifier that does not check revocations, so a day is the longest.")
  @Default("15m")
  @Pattern(PoolSpec.DURATION)
  @ValidationRule(value = PoolSpec.IF_DURATION
      + "(duration(self) >= duration('1s') && duration(self) <= duration('24h'))",
      message = "jwt.accessTokenTtl must be between 1s and 24h, e.g. 15m")
  private String accessTokenTtl = "15m";

  @JsonPropertyDescription("Lifetime of refresh tokens, e.g. `720h`; 1s to 8760h (a year), and"
      + " longer than accessTokenTtl.")
  @Default("720h")
  @Pattern(PoolSpec.DURATION)
  @ValidationRule(value = PoolSpec.IF_DURATION
      + "(duration(self) >= duration('1s') && duration(self) <= duration('8760h'))",
      message = "jwt.refreshTokenTtl must be between 1s and 8760h (a year), e.g. 720h")
  private String refreshTokenTtl = "720h";

  @JsonPropertyDescription("Tolerance of the auth pods on `exp` and `nbf`, e.g. `30s`; 0s to 5m."
      + " A retired signing key keeps verifying for accessTokenTtl plus this.")
  @Default("30s")
  @Pattern(PoolSpec.DURATION)
  @ValidationRule(value = PoolSpec.IF_DURATION
      + "(duration(self) >= duration('0s') && duration(self) <= duration('5m'))",
      message = "jwt.clockSkew must be between 0s and 5m, e.g. 30s")
  private String clockSkew = "30s";

  @JsonPropertyDescription("A Secret you own with the signing keys (entries `<kid>.pem`, or"
      + " `<kid>.hmac` for HS256, and `active-kid`). When absent the operator generates one and"
      + " keeps it; with keyRotation it rotates that key, else delete the Secret to regenerate it"
      + " (tokens signed with the old key then fail).")
  private SecretReference signingKeySecretRef;

  @JsonPropertyDescription("Rotates the generated signing key every period, with no failed"
      + " verification and no restart. Absent: the key is never rotated by the operator.")
  private KeyRotationSpec keyRotation;
}
