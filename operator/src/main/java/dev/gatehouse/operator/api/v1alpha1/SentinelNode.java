package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Getter;
import lombok.Setter;

/** One Sentinel's address. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class SentinelNode {

  // No IPv6 literal: the auth service takes its Sentinels as host:port and refuses a host with
  // colons (gatehouse.redis.sentinel.nodes); give an IPv6 Sentinel a DNS name.
  @JsonPropertyDescription("Host name or IPv4 address of the Sentinel, without a port.")
  @Required
  @Size(max = 253)
  @Pattern("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")
  private String host;

  // Required rather than defaulted to 26379: a default inside a list (atomic, as every list of
  // this CRD) makes the stored list differ from the applied one, and kubectl's move from
  // client-side to server-side apply then conflicts on the whole list (GitOpsApplyIT).
  @JsonPropertyDescription("Port of the Sentinel, 1 to 65535 (Sentinel's own default is 26379).")
  @Required
  @Min(1)
  @Max(65535)
  private Integer port;

  public SentinelNode() {}

  public SentinelNode(String host, Integer port) {
    this.host = host;
    this.port = port;
  }
}
