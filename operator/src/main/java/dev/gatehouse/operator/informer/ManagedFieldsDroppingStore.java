package dev.gatehouse.operator.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * A {@link SerializedStore} that also leaves out {@code metadata.managedFields}, for a Secret more
 * than the Secret itself. Only for kinds the operator never compares by server-side-apply ownership
 * (the AuthServices, Secrets, ConfigMaps, pods): JOSDK's matcher of the server-side-applied children
 * reads their managedFields, so their informers keep them.
 */
public final class ManagedFieldsDroppingStore<T extends HasMetadata> extends SerializedStore<T> {

  @Override
  protected void trim(T object) {
    object.getMetadata().setManagedFields(null);
  }
}
