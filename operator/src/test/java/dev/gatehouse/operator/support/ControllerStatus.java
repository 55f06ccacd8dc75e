package dev.gatehouse.operator.support;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Writes the status kube-controller-manager would write once pods run: the operator's tests run an
 * API server without it, so no Deployment or StatefulSet ever reports a pod by itself.
 */
public final class ControllerStatus {

  private ControllerStatus() {}

  /** The Deployment runs its current template in {@code replicas} pods, {@code ready} of them ready. */
  public static void reportDeployment(KubernetesClient client, String namespace, String name,
      int replicas, int ready) {
    Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    deployment.setStatus(new DeploymentStatusBuilder()
        .withObservedGeneration(deployment.getMetadata().getGeneration())
        .withReplicas(replicas).withUpdatedReplicas(replicas)
        .withReadyReplicas(ready).withAvailableReplicas(ready).build());
    client.apps().deployments().inNamespace(namespace).resource(deployment).updateStatus();
  }

  /** The StatefulSet's one pod (the managed Redis) runs and is ready. */
  public static void reportStatefulSet(KubernetesClient client, String namespace, String name) {
    StatefulSet statefulSet =
        client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    statefulSet.setStatus(new StatefulSetStatusBuilder()
        .withObservedGeneration(statefulSet.getMetadata().getGeneration())
        .withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).withCurrentReplicas(1)
        .withUpdatedReplicas(1).build());
    client.apps().statefulSets().inNamespace(namespace).resource(statefulSet).updateStatus();
  }
}
