package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import java.util.Map;

/** The bearer credential of the auth service's admin API (creating and disabling users). */
public class AdminTokenSecret extends GeneratedSecret {

  public static final String TOKEN_KEY = "token";

  public static String name(AuthService primary) {
    return primary.getMetadata().getName() + "-admin-token";
  }

  @Override
  String secretName(AuthService primary) {
    return name(primary);
  }

  @Override
  Map<String, String> generate(AuthService primary) {
    return Map.of(TOKEN_KEY, SecretMaterial.randomToken(32));
  }
}
