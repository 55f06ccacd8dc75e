package dev.gatehouse.operator.dependent;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;

/**
 * The "restricted" Pod Security Standard, as every pod the operator makes runs: a fixed non-root
 * user whose group owns the mounted volumes, the runtime's seccomp profile, no privilege
 * escalation, no capabilities, a read-only root filesystem. One place, so no pod drifts from it.
 */
final class RestrictedPodSecurity {

  private RestrictedPodSecurity() {}

  static PodSecurityContextBuilder pod(long uid) {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(uid)
        .withRunAsGroup(uid)
        .withFsGroup(uid)
        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile();
  }

  static SecurityContext container() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities()
        .build();
  }
}
