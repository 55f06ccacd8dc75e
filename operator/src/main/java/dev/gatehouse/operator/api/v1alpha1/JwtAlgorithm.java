package dev.gatehouse.operator.api.v1alpha1;

/** The signing algorithms the auth service supports; the operator generates a key for each. */
public enum JwtAlgorithm {
  ES256,
  RS256,
  HS256
}
