package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import lombok.Getter;
import lombok.Setter;

/**
 * The volume of the managed Redis: one PersistentVolumeClaim from the StatefulSet's claim
 * template. Kubernetes does not let a claim template change, so neither may this.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Getter
@Setter
public class RedisStorageSpec {

  public static final String DEFAULT_SIZE = "1Gi";

  @JsonPropertyDescription("Size of the Redis data volume (a Kubernetes quantity such as `1Gi` or"
      + " `500Mi`). It holds the append-only file and the RDB snapshot; Redis rewrites the AOF when"
      + " it doubles, so allow about three times the dataset.")
  @Default(DEFAULT_SIZE)
  @Pattern("^[1-9][0-9]{0,5}(Mi|Gi|Ti)$")
  private String size = DEFAULT_SIZE;

  @JsonPropertyDescription("StorageClass of the data volume; the cluster's default class when"
      + " unset.")
  @Pattern("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
  private String storageClassName;
}
