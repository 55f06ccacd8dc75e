package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
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
public class JwtSpec {

  @JsonPropertyDescription("The `iss` claim of issued tokens; verification requires it.")
  @Required
  @Size(min = 1, max = 2048)
  private String issuer;

  @JsonPropertyDescription("Audiences (`aud`) of issued tokens; verification requires one of them.")
  @Required
  @Size(min = 1, max = 32)
  private List<String> audiences;

  @JsonPropertyDescription("Signing algorithm: ES256 (default; P-256 keys), RS256 (RSA 2048) or"
      + " HS256 (a shared secret: only when every verifier is trusted with it).")
  @Default("ES256")
  private JwtAlgorithm algorithm = JwtAlgorithm.ES256;

  @JsonPropertyDescription("Lifetime of access tokens, e.g. `15m`.")
  @Default("15m")
  @Pattern(PoolSpec.DURATION)
  private String accessTokenTtl = "15m";

  @JsonPropertyDescription("Lifetime of refresh tokens, e.g. `720h`.")
  @Default("720h")
  @Pattern(PoolSpec.DURATION)
  private String refreshTokenTtl = "720h";

  @JsonPropertyDescription("A Secret you own with the signing keys (entries `<kid>.pem`, or"
      + " `<kid>.hmac` for HS256, and `active-kid`). When absent the operator generates one and"
      + " keeps it; delete that Secret to regenerate it (tokens signed with the old key then fail).")
  private SecretReference signingKeySecretRef;

  public String getIssuer() {
    return issuer;
  }

  public void setIssuer(String issuer) {
    this.issuer = issuer;
  }

  public List<String> getAudiences() {
    return audiences;
  }

  public void setAudiences(List<String> audiences) {
    this.audiences = audiences;
  }

  public JwtAlgorithm getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(JwtAlgorithm algorithm) {
    this.algorithm = algorithm;
  }

  public String getAccessTokenTtl() {
    return accessTokenTtl;
  }

  public void setAccessTokenTtl(String accessTokenTtl) {
    this.accessTokenTtl = accessTokenTtl;
  }

  public String getRefreshTokenTtl() {
    return refreshTokenTtl;
  }

  public void setRefreshTokenTtl(String refreshTokenTtl) {
    this.refreshTokenTtl = refreshTokenTtl;
  }

  public SecretReference getSigningKeySecretRef() {
    return signingKeySecretRef;
  }

  public void setSigningKeySecretRef(SecretReference signingKeySecretRef) {
    this.signingKeySecretRef = signingKeySecretRef;
  }
}
