package dev.gatehouse.e2e;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PersistentVolume directory → the pod (namespace/name uid) whose process has it, from start until
 * that process has exited: two processes never run on one claim's data at once, whatever their IPs.
 */
final class ClaimHolders {

  private final Map<Path, String> holders = new ConcurrentHashMap<>();

  /** How a pod's process is named as a holder: a replacement pod (new UID) is another holder. */
  static String holder(String namespace, String name, String uid) {
    return namespace + "/" + name + " " + uid;
  }

  /** Whether a process has the directory, or may still be writing to it. */
  boolean isHeld(Path dir) {
    return holders.containsKey(dir);
  }

  /**
   * Takes every claim directory of the pod for it, or none: a claim still held by another pod's
   * process (running, or stopping within its grace period) keeps this pod waiting.
   */
  void hold(PodVolumes volumes, String holder) {
    for (Path dir : volumes.claimDirectories()) {
      String other = holders.putIfAbsent(dir, holder);
      if (other != null && !other.equals(holder)) {
        release(volumes, holder);
        throw new PodWaits("its volume " + dir + " is still used by the process of " + other);
      }
    }
  }

  void release(PodVolumes volumes, String holder) {
    volumes.claimDirectories().forEach(dir -> holders.remove(dir, holder));
  }
}
