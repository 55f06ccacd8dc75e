package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AuthServiceSpec {

  public static final String DEFAULT_IMAGE = "ghcr.io/gatehouse-dev/auth-service:0.1.0";

  @JsonPropertyDescription(
      "Number of auth pods. Scalable with `kubectl scale` and a HorizontalPodAutoscaler.")
  @Default("2")
  @Min(0)
  @SpecReplicas
  private Integer replicas = 2;

  @JsonPropertyDescription("Container image of the auth service.")
  @Default(DEFAULT_IMAGE)
  private String image = DEFAULT_IMAGE;

  @JsonPropertyDescription("Compute resources of each auth pod's container. Without it: requests"
      + " cpu 250m and memory 320Mi, limit memory 512Mi (the JVM's heap is 70 % of the memory"
      + " limit). Given, it replaces the default as a whole; `{}` asks for none.")
  @Default(DefaultResources.AUTH)
  private ResourceRequirements resources = DefaultResources.of(DefaultResources.AUTH);

  @JsonPropertyDescription("Placement, labels and annotations of the auth pods.")
  private PodSpec pod;

  @JsonPropertyDescription("The Redis that holds revocations, refresh tokens and users: exactly one of"
      + " `managed` or `external`, and the per-pod connection pool.")
  @Required
  private RedisSpec redis;

  @JsonPropertyDescription("How tokens are signed and verified.")
  @Required
  private JwtSpec jwt;

  @JsonPropertyDescription("A Secret you own with the OAuth clients of the client_credentials,"
      + " password and refresh_token grants: key `clients.yaml`, format in"
      + " docs/auth-service-contract.md (ids, bcrypt secret hashes, grant types, scopes). Without"
      + " it the service starts with no clients: forward-auth and verification work, token issue"
      + " does not.")
  private SecretReference clientsSecretRef;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  public PodSpec getPod() {
    return pod;
  }

  public void setPod(PodSpec pod) {
    this.pod = pod;
  }

  public RedisSpec getRedis() {
    return redis;
  }

  public void setRedis(RedisSpec redis) {
    this.redis = redis;
  }

  public SecretReference getClientsSecretRef() {
    return clientsSecretRef;
  }

  public void setClientsSecretRef(SecretReference clientsSecretRef) {
    this.clientsSecretRef = clientsSecretRef;
  }

  public JwtSpec getJwt() {
    return jwt;
  }

  public void setJwt(JwtSpec jwt) {
    this.jwt = jwt;
  }
}
