package dev.gatehouse.operator.api.v1alpha1;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The compute resources a pod gets when its AuthService names none: the CRD's schema default (one
 * JSON text per container, so the annotation and the Java model's initializer read the same
 * thing). Memory is requested at the measured peak and limited with headroom above it; CPU is
 * requested, never limited, since a CPU limit throttles a latency-bound service even on an idle
 * node. The measurements are in docs/benchmarks.md, "Default resources".
 */
final class DefaultResources {

  /**
   * The auth service: 314 MiB peak RSS under 1,000-connection token and forward-auth load with the
   * pod's JVM settings at a 512 Mi limit (AuthDeployment: heap 70 % of the limit), 390-402 MiB
   * under 10,000 verifications/s with the parallel collector (docs/benchmarks.md, issue 14).
   */
  static final String AUTH = "{\"requests\":{\"cpu\":\"250m\",\"memory\":\"320Mi\"},"
      + "\"limits\":{\"memory\":\"512Mi\"}}";

  /**
   * The managed Redis: 11 MiB empty, 154 MiB with a million revocations; the limit leaves room for
   * the copy-on-write pages of an AOF rewrite or snapshot, which fork the server.
   */
  static final String REDIS = "{\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},"
      + "\"limits\":{\"memory\":\"512Mi\"}}";

  private DefaultResources() {}

  static ResourceRequirements of(String json) {
    return Serialization.unmarshal(json, ResourceRequirements.class);
  }
}
