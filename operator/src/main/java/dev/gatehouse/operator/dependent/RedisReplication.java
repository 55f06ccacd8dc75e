package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.api.v1alpha1.HighAvailabilitySpec;
import dev.gatehouse.operator.informer.ManagedRedisPods;
import dev.gatehouse.operator.redis.RedisAdminConnection;
import dev.gatehouse.operator.secrets.PodSecrets;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a highly available managed Redis and then follows Sentinel, as spotahome's
 * RedisFailover does: while no Sentinel knows a primary, the operator makes one (the pod that
 * already has replicas, else pod 0), makes the other pods its replicas and tells every Sentinel
 * to monitor it. From then on Sentinel owns failover, and the operator never contradicts it: it
 * takes the primary the Sentinels name, enrols only pods that Sentinel cannot know (a replaced pod
 * starts as a lone primary at a new address), and does nothing while the Sentinels report the
 * primary down or a failover under way. It also gives each Sentinel the password and the failover
 * settings, again after a Sentinel restarts or the password changes, and tells a Sentinel that
 * remembers more replicas or Sentinels than there are to forget the ones that are gone.
 *
 * <p>Every contact is one short {@link RedisAdminConnection}, bounded by a timeout, logged in (to
 * a Sentinel with {@link SentinelPasswordSecret}'s password); what it saw
 * is returned as a {@link RedisTopology} for the status.
 *
 * <p>Longer than 300 lines because bootstrapping, following and forgetting are three readings of
 * one topology, seen once per reconcile, and must agree on what the Sentinels said.
 */
public final class RedisReplication {

  private static final Logger log = LoggerFactory.getLogger(RedisReplication.class);
  /** What one contact with a pod may take: its connect and every reply (RedisAdminConnection). */
  static final Duration TIMEOUT = Duration.ofSeconds(2);
  /** How long a primary may not answer before a Sentinel calls it down. */
  static final int DOWN_AFTER_MILLISECONDS = 5000;
  /** Sentinel's failover timeout: also how long before another Sentinel may try again. */
  static final int FAILOVER_TIMEOUT_MILLISECONDS = 30000;

  /** Per Sentinel incarnation: the settings last given, so they are not sent on every reconcile. */
  private final Map<String, String> told =
      RedisPasswordRotation.leastRecentlyUsed(RedisPasswordRotation.REMEMBERED);

  /**
   * What a reconcile did and saw.
   *
   * @param events what the operator changed, in words fit for an Event (no secret)
   * @param settled false while a primary is being chosen, a failover runs, a node could not be
   *     reached or a Sentinel has yet to learn the replicas: look again soon
   * @param topology what the Redis pods and Sentinels reported, if any Redis pod is ready
   */
  public record Outcome(List<String> events, boolean settled, Optional<RedisTopology> topology) {
    static final Outcome NOTHING = new Outcome(List.of(), true, Optional.empty());
    /** Not asked this time (a password change is under way): look again soon. */
    public static final Outcome UNSETTLED = new Outcome(List.of(), false, Optional.empty());
  }

  /** One Redis pod's view of replication, from {@code INFO replication}. */
  record Replication(String role, String masterHost, boolean linkUp, int connectedReplicas) {

    static Replication parse(String info) {
      Map<String, String> fields = info.lines()
          .map(line -> line.split(":", 2))
          .filter(pair -> pair.length == 2)
          .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1].strip(), (a, b) -> b));
      return new Replication(fields.getOrDefault("role", ""), fields.get("master_host"),
          "up".equals(fields.get("master_link_status")),
          Integer.parseInt(fields.getOrDefault("connected_slaves", "0")));
    }

    boolean isPrimary() {
      return "master".equals(role);
    }
  }

  /**
   * One Sentinel's view: the primary it monitors (empty: none), that primary's flags, how many
   * replicas and other Sentinels it remembers, and why no failover could be agreed, if so.
   */
  record SentinelView(Optional<String> primaryIp, String flags, int replicas, int otherSentinels,
      Optional<String> quorumProblem) {

    /** Sentinel's flags of a primary that is up and not being replaced: just {@code master}. */
    boolean primaryUp() {
      return primaryIp.isPresent() && "master".equals(flags);
    }
  }

  public Outcome reconcile(AuthService primary, Context<AuthService> context) {
    String uid = primary.getMetadata().getUid();
    if (!ManagedRedisHighlyAvailable.isHighlyAvailable(primary)) {
      told.keySet().removeIf(key -> key.startsWith(uid + "/"));
      return Outcome.NOTHING;
    }
    HighAvailabilitySpec ha = primary.getSpec().getRedis().getManaged().getHighAvailability();
    List<String> passwords = PodSecrets.find(context,
            AuthServiceResources.redisUsersSecretName(primary.getMetadata().getName()))
        .map(RedisUsersSecret::passwords).orElse(List.of());
    Optional<String> sentinelPassword = SentinelPasswordSecret.password(PodSecrets.find(context,
        AuthServiceResources.sentinelPasswordSecretName(primary.getMetadata().getName())));
    List<Pod> redisPods = ManagedRedisPods.ready(primary, context, Component.REDIS);
    if (passwords.isEmpty() || sentinelPassword.isEmpty() || redisPods.isEmpty()) {
      return new Outcome(List.of(), false, Optional.empty());
    }
    List<Pod> sentinelPods = ManagedRedisPods.ready(primary, context, Component.SENTINEL);
    boolean reachedAll = true;
    // By name, for the status: a person can look at a pod that is paused or cut off.
    Set<String> unanswered = new LinkedHashSet<>();

    Map<Pod, Replication> replication = new LinkedHashMap<>();
    Map<Pod, Integer> maxClients = new LinkedHashMap<>();
    for (Pod pod : redisPods) {
      try (RedisAdminConnection redis = redis(pod, passwords)) {
        replication.put(pod, Replication.parse(redis.command("INFO", "replication")));
        // What this server accepts, which may be less than redis.conf asks where the node's
        // open-file limit is lower: any of them may be the primary after a failover.
        List<String> limit = redis.commandForList("CONFIG", "GET", "maxclients");
        if (limit.size() == 2) {
          maxClients.put(pod, Integer.parseInt(limit.get(1)));
        }
      } catch (IOException e) {
        reachedAll = false;
        warn(primary, pod, e, unanswered);
      }
    }
    Optional<Integer> leastMaxClients = maxClients.values().stream().min(Integer::compare);
    Map<Pod, SentinelView> views = new LinkedHashMap<>();
    for (Pod pod : sentinelPods) {
      try (RedisAdminConnection sentinel = sentinel(pod, sentinelPassword.get())) {
        views.put(pod, view(sentinel));
      } catch (IOException e) {
        reachedAll = false;
        warn(primary, pod, e, unanswered);
      }
    }

    List<String> events = new ArrayList<>();
    Optional<String> known = mostNamed(views.values());
    String primaryIp;
    boolean mayEnrol;
    if (known.isEmpty()) {
      // Only with every ready Sentinel's word that it knows none: one that did not answer may.
      Optional<Pod> chosen = views.isEmpty() || views.size() < sentinelPods.size()
          ? Optional.empty() : choosePrimary(replication);
      if (chosen.isEmpty()) {
        // Reported all the same, so the status names a Sentinel that did not answer and holds
        // this up.
        return new Outcome(events, false, Optional.of(RedisTopology.of(ha, "", false, redisPods,
            replication, views, leastMaxClients, List.copyOf(unanswered))));
      }
      primaryIp = ip(chosen.get());
      mayEnrol = true;
      if (!replication.get(chosen.get()).isPrimary()) {
        reachedAll &= send(primary, chosen.get(), passwords, unanswered, "REPLICAOF", "NO", "ONE");
      }
      events.add("No Sentinel knows a Redis primary: " + name(chosen.get()) + " is made the primary.");
    } else {
      primaryIp = known.get();
      // Sentinel is replacing the primary, or is about to: whatever the pods say now is about to
      // change, and the operator must not pull a replica that Sentinel just promoted back.
      mayEnrol = views.values().stream().filter(v -> v.primaryIp().equals(known))
          .allMatch(SentinelView::primaryUp)
          && replication.entrySet().stream()
              .anyMatch(e -> ip(e.getKey()).equals(primaryIp) && e.getValue().isPrimary());
    }

    if (mayEnrol) {
      for (Map.Entry<Pod, Replication> entry : replication.entrySet()) {
        Replication node = entry.getValue();
        boolean lonePrimary = node.isPrimary() && node.connectedReplicas() == 0;
        boolean elsewhere = !node.isPrimary() && known.isEmpty() && !primaryIp.equals(node.masterHost());
        if (!ip(entry.getKey()).equals(primaryIp) && (lonePrimary || elsewhere)) {
          if (send(primary, entry.getKey(), passwords, unanswered, "REPLICAOF", primaryIp,
              Integer.toString(ManagedRedisStatefulSet.REDIS_PORT))) {
            events.add("Redis pod " + name(entry.getKey()) + " is made a replica of the primary at "
                + primaryIp + ".");
          } else {
            reachedAll = false;
          }
        }
      }
    }

    String current = passwords.get(passwords.size() - 1);
    boolean reset = false;
    for (Pod pod : sentinelPods) {
      SentinelView view = views.get(pod);
      if (view == null) {
        continue;
      }
      String key = uid + "/" + name(pod);
      String settings = ManagedRedisPods.incarnation(pod) + "/" + ha.quorumOrMajority() + "/"
          + RedisUsersSecret.passwordId(current);
      try (RedisAdminConnection sentinel = sentinel(pod, sentinelPassword.get())) {
        if (view.primaryIp().isEmpty()) {
          if (!mayEnrol) {
            continue;
          }
          sentinel.command("SENTINEL", "MONITOR", AuthServiceResources.SENTINEL_MASTER_NAME,
              primaryIp, Integer.toString(ManagedRedisStatefulSet.REDIS_PORT),
              Integer.toString(ha.quorumOrMajority()));
          told.remove(key);
          events.add("Sentinel " + name(pod) + " is told to monitor the Redis primary at "
              + primaryIp + ".");
        }
        // Sentinels never forget a replica or Sentinel they met: a replaced pod stays in their
        // lists, and a remembered Sentinel counts towards the majority a failover needs. One
        // Sentinel at a time is told to forget and re-learn them, only while all is well.
        if (mayEnrol && known.isPresent() && !reset && view.primaryIp().equals(known)
            && (view.otherSentinels() > ha.getSentinels() - 1 || view.replicas() > ha.getReplicas() - 1)) {
          sentinel.command("SENTINEL", "RESET", AuthServiceResources.SENTINEL_MASTER_NAME);
          reset = true;
          events.add("Sentinel " + name(pod) + " is told to forget the Redis pods and Sentinels that"
              + " are gone (it remembered " + view.replicas() + " replicas and "
              + view.otherSentinels() + " other Sentinels).");
        }
        if (!settings.equals(told.get(key))) {
          sentinel.command("SENTINEL", "SET", AuthServiceResources.SENTINEL_MASTER_NAME,
              "auth-pass", current,
              "quorum", Integer.toString(ha.quorumOrMajority()),
              "down-after-milliseconds", Integer.toString(DOWN_AFTER_MILLISECONDS),
              "failover-timeout", Integer.toString(FAILOVER_TIMEOUT_MILLISECONDS),
              "parallel-syncs", "1");
          told.put(key, settings);
        }
      } catch (IOException e) {
        reachedAll = false;
        warn(primary, pod, e, unanswered);
      }
    }

    RedisTopology topology = RedisTopology.of(ha, primaryIp, known.isPresent(), redisPods,
        replication, views, leastMaxClients, List.copyOf(unanswered));
    // Not settled while a Sentinel has yet to learn the replicas: look again soon, not in 30 s.
    return new Outcome(events,
        reachedAll && mayEnrol && known.isPresent() && topology.sentinelsUnawareOfReplicas() == 0,
        Optional.of(topology));
  }

  /** The pod that already has replicas (the most), else pod 0; empty while neither is ready. */
  static Optional<Pod> choosePrimary(Map<Pod, Replication> replication) {
    Optional<Pod> withReplicas = replication.entrySet().stream()
        .filter(e -> e.getValue().isPrimary() && e.getValue().connectedReplicas() > 0)
        .max(Comparator.comparingInt((Map.Entry<Pod, Replication> e) -> e.getValue().connectedReplicas())
            .thenComparing(e -> -ManagedRedisPods.ordinal(e.getKey())))
        .map(Map.Entry::getKey);
    return withReplicas.or(() -> replication.keySet().stream()
        .filter(pod -> ManagedRedisPods.ordinal(pod) == 0).findFirst());
  }

  /** The primary most Sentinels name; empty when none names one. */
  static Optional<String> mostNamed(Collection<SentinelView> views) {
    return views.stream().flatMap(v -> v.primaryIp().stream())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()))
        .entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey);
  }

  private static SentinelView view(RedisAdminConnection sentinel) throws IOException {
    String name = AuthServiceResources.SENTINEL_MASTER_NAME;
    List<String> address = sentinel.commandForList("SENTINEL", "GET-MASTER-ADDR-BY-NAME", name);
    if (address.isEmpty()) {
      return new SentinelView(Optional.empty(), "", 0, 0, Optional.empty());
    }
    List<String> fields = sentinel.commandForList("SENTINEL", "MASTER", name);
    Map<String, String> master = new LinkedHashMap<>();
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      master.put(fields.get(i), fields.get(i + 1));
    }
    Optional<String> quorumProblem;
    try {
      sentinel.command("SENTINEL", "CKQUORUM", name);
      quorumProblem = Optional.empty();
    } catch (RedisAdminConnection.RedisErrorReply e) {
      quorumProblem = Optional.of(e.getMessage());
    }
    return new SentinelView(Optional.of(address.get(0)), master.getOrDefault("flags", ""),
        Integer.parseInt(master.getOrDefault("num-slaves", "0")),
        Integer.parseInt(master.getOrDefault("num-other-sentinels", "0")), quorumProblem);
  }

  private boolean send(AuthService primary, Pod pod, List<String> passwords, Set<String> unanswered,
      String... command) {
    try (RedisAdminConnection redis = redis(pod, passwords)) {
      redis.command(command);
      return true;
    } catch (IOException e) {
      warn(primary, pod, e, unanswered);
      return false;
    }
  }

  private static RedisAdminConnection redis(Pod pod, List<String> passwords) throws IOException {
    RedisAdminConnection connection =
        RedisAdminConnection.open(ip(pod), ManagedRedisStatefulSet.REDIS_PORT, TIMEOUT);
    try {
      // Newest first: the one every pod accepts once a rotation has begun.
      List<String> newestFirst = new ArrayList<>(passwords);
      Collections.reverse(newestFirst);
      if (!connection.authenticate(newestFirst)) {
        throw new PasswordRefused("Redis accepts none of the recorded passwords");
      }
      return connection;
    } catch (IOException e) {
      connection.close();
      throw e;
    }
  }

  private static RedisAdminConnection sentinel(Pod pod, String password) throws IOException {
    RedisAdminConnection connection =
        RedisAdminConnection.open(ip(pod), SentinelStatefulSet.SENTINEL_PORT, TIMEOUT);
    try {
      if (!connection.authenticate(List.of(password))) {
        throw new PasswordRefused("the Sentinel refuses the Sentinels' password");
      }
      return connection;
    } catch (IOException e) {
      connection.close();
      throw e;
    }
  }

  /** Notes a pod that did not answer (not one that answered with a refusal or an error). */
  private static void warn(AuthService primary, Pod pod, IOException e, Set<String> unanswered) {
    if (!(e instanceof PasswordRefused || e instanceof RedisAdminConnection.RedisErrorReply)) {
      unanswered.add(name(pod));
    }
    log.warn("Cannot reach {} of {}/{} at {}: {}", name(pod), primary.getMetadata().getNamespace(),
        primary.getMetadata().getName(), ip(pod), e.toString());
  }

  /** A Redis or Sentinel that answered, but refused every password the operator holds. */
  private static final class PasswordRefused extends IOException {
    PasswordRefused(String message) {
      super(message);
    }
  }

  private static String ip(Pod pod) {
    return pod.getStatus().getPodIP();
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getName();
  }
}
