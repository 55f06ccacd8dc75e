package dev.gatehouse.operator.api.v1alpha1;

/** Who runs the Redis of an AuthService: the operator ({@code Managed}) or you ({@code External}). */
public enum RedisMode {
  Managed,
  External
}
