package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;
import lombok.Getter;
import lombok.Setter;

@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class AuthServiceStatus extends SerializedValue {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("Auth pods that exist, ready or not.")
  @StatusReplicas
  private Integer replicas;

  @JsonPropertyDescription("Auth pods that are ready.")
  private Integer readyReplicas;

  @JsonPropertyDescription("Label selector of the auth pods, for the scale subresource.")
  @LabelSelector
  private String selector;

  @JsonPropertyDescription("Ready, RedisAvailable, RedisPersistent, RedisPoolHealthy and"
      + " RedisCapacitySufficient, per the Kubernetes API conventions.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The Redis connection budget of this AuthService.")
  private RedisPoolStatus redisPool;

  @JsonPropertyDescription("The signing key: which kid signs and the state of its rotation.")
  private SigningKeyStatus signingKey;
}
