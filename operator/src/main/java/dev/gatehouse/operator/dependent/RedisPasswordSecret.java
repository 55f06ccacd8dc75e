package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import java.util.Map;

/**
 * The password of the managed Redis. Two entries: {@code password}, which the auth pods mount, and
 * {@code auth.conf}, a Redis config fragment that the Redis pod includes, so that the password is
 * never in a command line or an environment variable.
 */
public class RedisPasswordSecret extends GeneratedSecret {

  public static final String PASSWORD_KEY = "password";
  public static final String REDIS_CONF_KEY = "auth.conf";

  public static String name(AuthService primary) {
    return primary.getMetadata().getName() + "-redis-password";
  }

  @Override
  String secretName(AuthService primary) {
    return name(primary);
  }

  @Override
  Map<String, String> generate(AuthService primary) {
    String password = SecretMaterial.randomToken(32);
    return Map.of(PASSWORD_KEY, password, REDIS_CONF_KEY, "requirepass " + password + "\n");
  }
}
