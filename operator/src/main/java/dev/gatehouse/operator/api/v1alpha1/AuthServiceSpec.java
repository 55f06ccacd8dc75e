package dev.gatehouse.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import lombok.Getter;
import lombok.Setter;

@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = EmbeddedTypeSchemas.Resources.class, input = "resources")
@Getter
@Setter
public class AuthServiceSpec {

  public static final String DEFAULT_IMAGE = "ghcr.io/gatehouse-dev/auth-service:0.1.0";

  /**
   * An image reference as container runtimes read it: an optional registry host (and port), a
   * lowercase repository path, an optional tag, an optional digest. No spaces, never empty.
   */
  static final String IMAGE_REFERENCE = "^([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?/)?"
      + "[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*"
      + "(:[A-Za-z0-9_][-A-Za-z0-9_.]{0,127})?(@[a-z0-9]+([+._-][a-z0-9]+)*:[A-Fa-f0-9]{32,})?$";
  static final String IMAGE_RULE = "self.matches('" + IMAGE_REFERENCE + "')";
  static final String IMAGE_MESSAGE = "must be an image reference such as"
      + " ghcr.io/example/auth-service:1.2.3 or name@sha256:<digest>: not empty, no spaces, a"
      + " lowercase repository";

  /** More pods than this is a typing mistake, and their pools would swamp any Redis. */
  public static final int MAX_REPLICAS = 1000;

  @JsonPropertyDescription(
      "Number of auth pods, 0 to 1000. Scalable with `kubectl scale` and a"
      + " HorizontalPodAutoscaler.")
  @Default("2")
  @Min(0)
  @Max(MAX_REPLICAS)
  @SpecReplicas
  private Integer replicas = 2;

  @JsonPropertyDescription("Container image of the auth service.")
  @Default(DEFAULT_IMAGE)
  @Size(max = 512)
  @ValidationRule(value = IMAGE_RULE, message = "image " + IMAGE_MESSAGE)
  private String image = DEFAULT_IMAGE;

  @JsonPropertyDescription("Compute resources of each auth pod's container: `requests` and"
      + " `limits` of cpu, memory, ephemeral-storage, hugepages-<size> or vendor resources, each"
      + " request no larger than its limit. Without it: requests cpu 250m and memory 320Mi, limit"
      + " memory 512Mi (the JVM's heap is 70 % of the memory limit). Given, it replaces the default"
      + " as a whole; `{}` asks for none.")
  @Default(DefaultResources.AUTH)
  private ResourceRequirements resources = DefaultResources.of(DefaultResources.AUTH);

  @JsonPropertyDescription("Placement, labels and annotations of the auth pods.")
  private PodSettings pod;

  @JsonPropertyDescription("The Redis that holds revocations, refresh tokens and users: `mode`"
      + " Managed (the operator runs it, set up by `managed`) or External (yours, named by"
      + " `external`), and the per-pod connection pool. Optional: a managed Redis by default.")
  // Defaulted, like every object whose fields have defaults: server-side apply turns an applied
  // empty object whose defaulted fields the applier owns (after a migration from client-side
  // apply) into null, and the API server fills in a default for null but refuses null otherwise.
  @Default("{}")
  private RedisSpec redis = new RedisSpec();

  @JsonPropertyDescription("How tokens are signed and verified.")
  @Required
  private JwtSpec jwt;

  @JsonPropertyDescription("A Secret you own with the OAuth clients of the client_credentials,"
      + " password and refresh_token grants: key `clients.yaml`, format in"
      + " docs/auth-service-contract.md (ids, bcrypt secret hashes, grant types, scopes). Without"
      + " it the service starts with no clients: forward-auth and verification work, token issue"
      + " does not.")
  private SecretReference clientsSecretRef;

  @JsonPropertyDescription("HTTPS for the auth pods. Without it they serve plain HTTP, for a"
      + " mesh or an ingress that terminates TLS in front of them.")
  private TlsSpec tls;
}
