package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import lombok.Getter;
import lombok.Setter;

/** A Redis behind Sentinel that you run: the auth pods ask the Sentinels where the primary is. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class SentinelSpec {

  @JsonPropertyDescription("The name under which the Sentinels monitor the Redis primary (the"
      + " `<master-name>` of `sentinel monitor`): 1 to 128 letters, digits, '.', '_' or '-'.")
  @Required
  @Size(min = 1, max = 128)
  @Pattern("^[A-Za-z0-9._-]+$")
  private String masterName;

  @JsonPropertyDescription("Addresses of the Sentinels, 1 to 9. The auth pods ask them in order"
      + " for the primary on every new connection, so they follow a failover by themselves; list"
      + " every Sentinel, so that one that is down is skipped.")
  @Required
  @Size(min = 1, max = 9)
  @ValidationRule(value = "self.all(n, self.exists_one(m, m.host == n.host && m.port == n.port))",
      message = "redis.external.sentinel.nodes names the same host and port more than once: list"
          + " each Sentinel once")
  private List<SentinelNode> nodes;

  @JsonPropertyDescription("The key of a Secret in this namespace that holds the Sentinels' own"
      + " password (`requirepass` of the Sentinels), if they have one; the data nodes' password"
      + " stays in redis.external.passwordSecretRef. Mounted as a file; a change rolls the pods.")
  private SecretKeyReference passwordSecretRef;

  public SentinelSpec() {}

  public SentinelSpec(String masterName, List<SentinelNode> nodes) {
    this.masterName = masterName;
    this.nodes = nodes;
  }
}
