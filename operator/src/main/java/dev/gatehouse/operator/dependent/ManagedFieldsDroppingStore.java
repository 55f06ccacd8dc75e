package dev.gatehouse.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer cache that keeps objects without {@code metadata.managedFields}. fabric8 holds each
 * field set as a tree of maps, and for a Secret that tree is larger than the Secret itself: at 1,000
 * AuthServices such trees were most of the operator's heap (docs/benchmarks.md, "Operator"). Only
 * for kinds the operator never compares by server-side-apply ownership (the AuthServices, Secrets,
 * ConfigMaps, pods): JOSDK's matcher of the server-side-applied children reads their
 * managedFields, so their informers keep them.
 */
public final class ManagedFieldsDroppingStore<T extends HasMetadata> extends BasicItemStore<T> {

  public ManagedFieldsDroppingStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T object) {
    object.getMetadata().setManagedFields(null);
    return super.put(key, object);
  }
}
