package dev.gatehouse.operator.reconciler;

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
 * @param referenceProblems what is wrong with Secrets the spec references, in words
 * @param poolHealth what the auth pods report of their Redis pool, once the observer has polled
 * @param error the message of a failed reconcile, if this one failed
 */
record ObservedState(
    Optional<Deployment> authDeployment,
    Optional<StatefulSet> redisStatefulSet,
    List<String> referenceProblems,
    Optional<PoolHealth> poolHealth,
    Optional<String> error) {}
