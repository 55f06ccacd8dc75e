package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import lombok.Getter;
import lombok.Setter;

/** HTTPS for the auth pods' port, from a Secret that cert-manager (or you) keeps renewed. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class TlsSpec {

  @JsonPropertyDescription("A `kubernetes.io/tls` Secret in this namespace, with `tls.crt` (the"
      + " chain, leaf first) and `tls.key` (PKCS#8, SEC1 or PKCS#1 PEM): what a cert-manager"
      + " Certificate writes. The pods serve HTTPS only and take a renewed certificate within"
      + " seconds, without a restart; a renewal whose key does not belong to its certificate is"
      + " refused and the certificate in use stays. Name the Service's DNS names in the"
      + " certificate (<name>.<namespace>.svc and the issuer's host).")
  @Required
  private SecretReference secretRef;

  public TlsSpec() {}

  public TlsSpec(SecretReference secretRef) {
    this.secretRef = secretRef;
  }
}
