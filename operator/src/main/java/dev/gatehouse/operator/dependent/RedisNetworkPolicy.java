package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.OperatorPods;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.SerializedStore;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.Optional;

/**
 * Admits to the managed Redis, on the Redis port, only this AuthService's auth pods and the
 * operator's own pods (which tell Redis of password rotations); highly available, also the other
 * Redis pods (replication) and the Sentinels.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AuthServiceResources.MANAGED_SELECTOR,
    itemStore = SerializedStore.class))
public class RedisNetworkPolicy extends ComponentNetworkPolicy {

  public RedisNetworkPolicy() {
    this(OperatorPods.fromEnvironment());
  }

  RedisNetworkPolicy(Optional<OperatorPods> operator) {
    super(AuthServiceResources::redisNetworkPolicyName, Component.REDIS, operator,
        ManagedRedisStatefulSet.REDIS_PORT);
  }

  @Override
  List<Component> admitted(AuthService primary) {
    return ManagedRedisHighlyAvailable.isHighlyAvailable(primary)
        ? List.of(Component.AUTH, Component.REDIS, Component.SENTINEL)
        : List.of(Component.AUTH);
  }
}
