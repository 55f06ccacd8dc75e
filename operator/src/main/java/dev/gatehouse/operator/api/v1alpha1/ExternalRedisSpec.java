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
import lombok.Getter;
import lombok.Setter;

/**
 * Your Redis: one server at {@code host}, or a Sentinel set. {@code port} keeps its default with a
 * Sentinel set (a default cannot be told from a value given), so only {@code host} tells the two
 * apart, and only a port other than the default is refused beside {@code sentinel}. {@code replicaAcks} has no schema default because it depends on which of the two it is;
 * {@link #replicaAcksOrDefault()} applies it to the pods, and the spec stays as written.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!(has(self.host) && has(self.sentinel))",
    message = "redis.external has both host and sentinel: give host (and port) for a single Redis,"
        + " or sentinel for a Redis behind Sentinel, not both")
@ValidationRule(value = "has(self.host) || has(self.sentinel)",
    message = "redis.external needs host (a single Redis) or sentinel (masterName and nodes of"
        + " your Sentinels)")
@ValidationRule(value = "!has(self.sentinel) || !has(self.port) || self.port == "
    + ExternalRedisSpec.DEFAULT_PORT,
    message = "redis.external.port is not read with sentinel: give each Sentinel's port in"
        + " redis.external.sentinel.nodes, and the Sentinels tell the pods the primary's",
    fieldPath = ".port")
@ValidationRule(value = "!has(self.caSecretRef) || (has(self.tls) && self.tls)",
    message = "redis.external.caSecretRef is read only for TLS connections: set redis.external.tls"
        + " to true (your Redis and Sentinels serve TLS), or remove caSecretRef",
    fieldPath = ".caSecretRef")
@Getter
@Setter
public class ExternalRedisSpec {

  static final String DEFAULT_PORT = "6379";
  /** Without a Sentinel set there is no replica to wait for; with one, a failover must keep it. */
  static final int REPLICA_ACKS_WITH_SENTINEL = 1;

  @JsonPropertyDescription("Host name or IP address (IPv6 without brackets) of the Redis server,"
      + " without a port. Either host or sentinel.")
  @Size(max = 253)
  @Pattern("^[A-Za-z0-9]([A-Za-z0-9.:-]*[A-Za-z0-9])?$")
  // Colons belong to IPv6 addresses (two or more); one colon is a port written into the host.
  @ValidationRule(value = "!self.contains(':') || self.matches(':.*:')",
      message = "redis.external.host is a host name or IP address without a port: put the port in"
          + " redis.external.port")
  private String host;

  @JsonPropertyDescription("Port of the Redis server, 1 to 65535. Only with host.")
  @Default(DEFAULT_PORT)
  @Min(1)
  @Max(65535)
  private Integer port = Integer.valueOf(DEFAULT_PORT);

  @JsonPropertyDescription("A Redis behind Sentinel: the auth pods ask the Sentinels for the"
      + " primary and follow a failover by themselves. Either sentinel or host.")
  private SentinelSpec sentinel;

  @JsonPropertyDescription("How many replicas must hold a write that keeps someone out (a"
      + " revocation, a disabled user, a log-out-everywhere) before the auth service acknowledges"
      + " it (Redis WAIT); fewer within the timeout answers 503. 0 to 16. Default: 1 with sentinel,"
      + " 0 without (a single Redis has no replica to wait for).")
  @Min(0)
  @Max(16)
  private Integer replicaAcks;

  @JsonPropertyDescription("Connect with TLS, to the Sentinels and the Redis servers alike.")
  @Default("false")
  private Boolean tls = false;

  @JsonPropertyDescription("The key of a Secret in this namespace that holds the CA certificates"
      + " (PEM) that signed your Redis servers' and Sentinels' certificates, such as the ca.crt of"
      + " a cert-manager CA; give the key, the default is password. The auth pods then trust this CA"
      + " only, and check the chain but not the host name: Sentinel names the primary by its IP"
      + " address. Without it the pods trust the JDK's public CAs and check the host name. Only"
      + " with tls. Mounted as a file; a change rolls the pods.")
  private SecretKeyReference caSecretRef;

  @JsonPropertyDescription("The key of a Secret in this namespace that holds the Redis password."
      + " The auth pods read it as a mounted file; a change rolls them.")
  @Required
  private SecretKeyReference passwordSecretRef;

  /** What the pods are given: the spec's value, or the default for this kind of Redis. */
  public int replicaAcksOrDefault() {
    if (replicaAcks != null) {
      return replicaAcks;
    }
    return sentinel != null ? REPLICA_ACKS_WITH_SENTINEL : 0;
  }
}
