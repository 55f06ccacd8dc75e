package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.secrets.SecretMaterial;
import java.util.Map;

/** The bearer credential of the auth service's admin API (creating and disabling users). */
public class AdminTokenSecret extends GeneratedSecret {

  public AdminTokenSecret() {
    super(primary -> AuthServiceResources.adminTokenSecretName(primary.getMetadata().getName()));
  }

  @Override
  Map<String, String> generate(AuthService primary) {
    return Map.of(PodSecrets.ADMIN_TOKEN_KEY, SecretMaterial.randomToken(32));
  }
}
