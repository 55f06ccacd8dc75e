package dev.gatehouse.auth.config;

/** The one signature algorithm a service signs and accepts; anything else in a header is refused. */
public enum JwtAlgorithm {
    ES256, RS256, HS256
}
