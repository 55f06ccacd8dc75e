package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
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

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public RedisPoolStatus getRedisPool() {
    return redisPool;
  }

  public void setRedisPool(RedisPoolStatus redisPool) {
    this.redisPool = redisPool;
  }

  public SigningKeyStatus getSigningKey() {
    return signingKey;
  }

  public void setSigningKey(SigningKeyStatus signingKey) {
    this.signingKey = signingKey;
  }
}
