package dev.gatehouse.operator.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;

/**
 * An informer cache that holds each object as its JSON bytes and reads it back on every look-up.
 * As Java objects, fabric8's model spends a map on every nested object and a tree of maps on the
 * field sets: a cached Deployment or StatefulSet took several times its JSON size, and the
 * informers' caches were most of the operator's heap at 1,000 AuthServices (docs/benchmarks.md,
 * "Operator"). A look-up costs a parse, which is small beside what a reconcile does with the
 * object; every look-up returns a fresh copy, so nothing can change the cache by accident.
 */
public class SerializedStore<T extends HasMetadata> implements ItemStore<T> {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final ConcurrentMap<String, byte[]> items = new ConcurrentHashMap<>();
  /** The informer's one kind, seen on the first put: the bytes are read back as that class. */
  private volatile Class<T> type;

  /** What to leave out of the cached copy; nothing here. */
  protected void trim(T object) {}

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T put(String key, T object) {
    type = (Class<T>) object.getClass();
    trim(object);
    return read(items.put(key, JSON.asJson(object).getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public T remove(String key) {
    return read(items.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream().map(this::read);
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return read(items.get(key));
  }

  private T read(byte[] json) {
    return json == null ? null : JSON.unmarshal(new ByteArrayInputStream(json), type);
  }
}
