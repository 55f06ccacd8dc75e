package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class ManagedRedisSpec {

  public static final String DEFAULT_IMAGE = "docker.io/library/redis:7.4-alpine";

  @JsonPropertyDescription("Container image of the managed Redis.")
  @Default(DEFAULT_IMAGE)
  private String image = DEFAULT_IMAGE;

  @JsonPropertyDescription("Compute resources of the Redis container.")
  private ResourceRequirements resources;

  @JsonPropertyDescription("Redis `maxclients`: the most connections the server accepts. Keep it"
      + " above the planned total of the auth pods' pools.")
  @Default("10000")
  @Min(1)
  @Max(100000)
  private Integer maxClients = 10000;

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

  public Integer getMaxClients() {
    return maxClients;
  }

  public void setMaxClients(Integer maxClients) {
    this.maxClients = maxClients;
  }
}
