package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExternalRedisSpec {

  @JsonPropertyDescription("Host name or IP address (IPv6 without brackets) of the Redis server,"
      + " without a port.")
  @Required
  @Size(max = 253)
  @Pattern("^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$")
  // Colons belong to IPv6 addresses (two or more); one colon is a port written into the host.
  @ValidationRule(value = "!self.contains(':') || self.matches(':.*:')",
      message = "redis.external.host is a host name or IP address without a port: put the port in"
          + " redis.external.port")
  private String host;

  @JsonPropertyDescription("Port of the Redis server, 1 to 65535.")
  @Default("6379")
  @Min(1)
  @Max(65535)
  private Integer port = 6379;

  @JsonPropertyDescription("Connect with TLS.")
  @Default("false")
  private Boolean tls = false;

  @JsonPropertyDescription("The key of a Secret in this namespace that holds the Redis password."
      + " The auth pods read it as a mounted file; a change rolls them.")
  @Required
  private SecretKeyReference passwordSecretRef;

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Boolean getTls() {
    return tls;
  }

  public void setTls(Boolean tls) {
    this.tls = tls;
  }

  public SecretKeyReference getPasswordSecretRef() {
    return passwordSecretRef;
  }

  public void setPasswordSecretRef(SecretKeyReference passwordSecretRef) {
    this.passwordSecretRef = passwordSecretRef;
  }
}
