package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * The managed Redis as operators before the StatefulSet ran it: a Deployment with no volume and
 * the StatefulSet's name. Deleted on the first reconcile after an upgrade, before the StatefulSet
 * is created, so that two Redis pods never answer behind one Service. It kept nothing on disk, so
 * there is nothing to carry over: its users, refresh tokens and revocations are lost once, as they
 * were on any restart of it (docs/operator.md, "Upgrading").
 */
public final class LegacyRedisDeployment {

  private LegacyRedisDeployment() {}

  /** Returns true when it deleted one. */
  public static boolean delete(AuthService primary, Context<AuthService> context) {
    String name = AuthServiceResources.redisStatefulSetName(primary.getMetadata().getName());
    boolean present = context.getSecondaryResourcesAsStream(Deployment.class)
        .filter(d -> name.equals(d.getMetadata().getName()))
        .filter(d -> d.getMetadata().getDeletionTimestamp() == null)
        .anyMatch(d -> d.getMetadata().getOwnerReferences().stream()
            .anyMatch(owner -> primary.getMetadata().getUid().equals(owner.getUid())));
    if (present) {
      context.getClient().apps().deployments().inNamespace(primary.getMetadata().getNamespace())
          .withName(name).delete();
    }
    return present;
  }
}
