package dev.gatehouse.auth.config;

/**
 * The one signature algorithm a service signs and accepts; anything else in a header is refused.
 * The same list as the CRD's {@code spec.jwt.algorithm}: contracts/jwt-algorithms.txt.
 */
public enum JwtAlgorithm {
    ES256, RS256, HS256
}
