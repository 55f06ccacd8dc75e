package dev.gatehouse.operator.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * An informer cache that holds each object as its JSON bytes and reads it back on every look-up.
 * As Java objects, fabric8's model spends a map on every nested object and a tree of maps on the
 * field sets: a cached Deployment or StatefulSet took several times its JSON size, and the
 * informers' caches were most of the operator's heap at 1,000 AuthServices (docs/benchmarks.md,
 * "Operator"). A look-up costs a parse, which is small beside what a reconcile does with the
 * object; every look-up returns a fresh copy, so nothing can change the cache by accident.
 *
 * <p>The JSON is deflated at the fastest level: it takes a half to a third of the bytes (most of
 * the heap left at 1,000 AuthServices), and inflating costs a fraction of the parse that follows.
 */
public class SerializedStore<T extends HasMetadata> implements ItemStore<T> {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private final ConcurrentMap<String, byte[]> items = new ConcurrentHashMap<>();
  /** One informer puts into its store, from one thread; reused, as each costs 256 KiB of zlib state. */
  private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
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
    return read(items.put(key, deflate(object)));
  }

  private synchronized byte[] deflate(T object) {
    deflater.reset();
    deflater.setInput(JSON.asJson(object).getBytes(StandardCharsets.UTF_8));
    deflater.finish();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    byte[] chunk = new byte[4096];
    while (!deflater.finished()) {
      bytes.write(chunk, 0, deflater.deflate(chunk));
    }
    return bytes.toByteArray();
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

  private T read(byte[] deflated) {
    if (deflated == null) {
      return null;
    }
    Inflater inflater = new Inflater(true);
    try {
      return JSON.unmarshal(new InflaterInputStream(new ByteArrayInputStream(deflated), inflater), type);
    } finally {
      inflater.end();
    }
  }
}
