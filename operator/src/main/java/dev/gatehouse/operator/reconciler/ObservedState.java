package dev.gatehouse.operator.reconciler;

import dev.gatehouse.operator.api.v1alpha1.SigningKeyStatus;
import dev.gatehouse.operator.dependent.RedisTopology;
import dev.gatehouse.operator.secrets.SecretProblem;
import dev.gatehouse.operator.health.PoolHealth;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler saw of the world, from the informer caches: everything the status is built
 * from, so that building it is a pure function a unit test can call.
 *
 * @param authDeployment the auth Deployment, if it exists
 * @param redisStatefulSet the managed Redis StatefulSet, if it exists
 * @param secretProblems what is wrong with Secrets the spec references
 * @param poolHealth what the auth pods report of their Redis pool, once the observer has polled
 * @param failure why this reconcile failed, if it did
 * @param redisTopology what a highly available Redis's pods and Sentinels reported, this reconcile
 * @param signingKey which key signs and where its rotation stands, once the key Secret exists
 */
record ObservedState(
    Optional<Deployment> authDeployment,
    Optional<StatefulSet> redisStatefulSet,
    List<SecretProblem> secretProblems,
    Optional<PoolHealth> poolHealth,
    Optional<ReconcileFailure> failure,
    Optional<RedisTopology> redisTopology,
    Optional<SigningKeyStatus> signingKey) {

  ObservedState(Optional<Deployment> authDeployment, Optional<StatefulSet> redisStatefulSet,
      List<SecretProblem> secretProblems, Optional<PoolHealth> poolHealth,
      Optional<ReconcileFailure> failure) {
    this(authDeployment, redisStatefulSet, secretProblems, poolHealth, failure, Optional.empty(),
        Optional.empty());
  }

  ObservedState withRedisTopology(Optional<RedisTopology> topology) {
    return new ObservedState(authDeployment, redisStatefulSet, secretProblems, poolHealth, failure,
        topology, signingKey);
  }
}
