package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.informer.ManagedRedisPods;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.redis.RedisAdminConnection;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the managed Redis password with no failed request and no restart of Redis. Redis's ACL
 * lets the default user have several passwords at once, so a rotation (deleting
 * {@link RedisPasswordSecret}, which generates a new one) goes in three steps:
 * <ol>
 *   <li>the new password joins the accepted ones in {@link RedisUsersSecret}, and the running Redis
 *       is told with {@code ACL SETUSER} before any pod holds it (this runs before the workflow
 *       that rolls the auth pods);</li>
 *   <li>the auth pods roll onto it, one surge pod at a time, while the old pods keep working with
 *       the old password;</li>
 *   <li>once every auth pod, terminating ones included, holds the new password, the old one is
 *       retired, from the Secret and from Redis. Connections already logged in stay so.</li>
 * </ol>
 * Redis reads the Secret's file when it starts, and is told again after every start, so a Redis
 * that restarts mid-rotation ends up accepting exactly the passwords of the record. Every Redis pod
 * of a highly available set is told, and logs in to its primary with the newest password; the
 * Sentinels get it from {@link RedisReplication} once every pod accepts it.
 */
public final class RedisPasswordRotation {

  private static final Logger log = LoggerFactory.getLogger(RedisPasswordRotation.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** More AuthServices than one operator is sized for; beyond it the least recently told go. */
  static final int REMEMBERED = 10_000;

  /**
   * Per Redis pod: its incarnation and the password list last applied, to skip repeats.
   * Bounded, because nothing tells this class that an AuthService was deleted; forgetting one
   * costs no more than telling its Redis the same passwords again.
   */
  private final Map<String, String> applied = leastRecentlyUsed(REMEMBERED);

  /**
   * What a reconcile did.
   *
   * @param events what changed, in words fit for an Event (no secret)
   * @param waiting true while Redis must still be told and could not be: retry soon
   */
  public record Outcome(List<String> events, boolean waiting) {
    static final Outcome NOTHING = new Outcome(List.of(), false);
  }

  public Outcome reconcile(AuthService primary, Context<AuthService> context) {
    String uid = primary.getMetadata().getUid();
    String instance = primary.getMetadata().getName();
    Optional<Secret> record =
        PodSecrets.find(context, AuthServiceResources.redisUsersSecretName(instance));
    if (!ManagedRedisEnabled.isManaged(primary)) {
      applied.keySet().removeIf(key -> key.startsWith(uid + "/"));
      record.ifPresent(secret -> delete(primary, context));
      return Outcome.NOTHING;
    }
    Optional<String> current =
        RedisPasswordSecret.password(PodSecrets.find(context,
            AuthServiceResources.redisPasswordSecretName(instance)));
    if (current.isEmpty()) {
      return Outcome.NOTHING;
    }
    List<String> before = record.map(RedisUsersSecret::passwords).orElse(List.of());
    List<String> after = accepted(before, current.get(),
        everyAuthPodHolds(primary, context, RedisUsersSecret.passwordId(current.get())));
    List<String> events = new ArrayList<>();
    if (record.isEmpty() || !after.equals(before)) {
      context.getClient().resource(RedisUsersSecret.build(primary, after))
          // The controller's own field manager, as for every child it applies.
          .fieldManager(context.getControllerConfiguration().fieldManager())
          .forceConflicts().serverSideApply();
      if (!before.isEmpty() && after.size() > before.size()) {
        events.add("A new Redis password is accepted beside the old one; the auth pods roll onto it.");
      } else if (!before.isEmpty() && after.size() < before.size()) {
        events.add("The previous Redis password is retired: every auth pod holds the new one.");
      }
    }
    boolean told = tellRedis(primary, context, before, after);
    return new Outcome(events, !told);
  }

  /**
   * The passwords to accept: the current one always; the older ones until every auth pod holds
   * the current one.
   */
  static List<String> accepted(List<String> before, String current, boolean everyPodHoldsCurrent) {
    if (everyPodHoldsCurrent) {
      return List.of(current);
    }
    LinkedHashSet<String> passwords = new LinkedHashSet<>(before);
    passwords.remove(current);
    passwords.add(current);
    return List.copyOf(passwords);
  }

  /**
   * True when the auth Deployment's template and every auth pod that exists, terminating ones too,
   * carry the id of the current password: no pod can still log in with another.
   */
  static boolean everyAuthPodHolds(AuthService primary, Context<AuthService> context, String id) {
    String instance = primary.getMetadata().getName();
    boolean template = context.getSecondaryResourcesAsStream(Deployment.class)
        .filter(d -> AuthServiceResources.authDeploymentName(instance)
            .equals(d.getMetadata().getName()))
        .findFirst()
        .map(d -> id.equals(d.getSpec().getTemplate().getMetadata().getAnnotations()
            .get(RedisUsersSecret.PASSWORD_ID_ANNOTATION)))
        .orElse(false);
    return template && context.getSecondaryResourcesAsStream(Pod.class)
        .filter(pod -> Component.AUTH.label()
            .equals(label(pod, AuthServiceResources.COMPONENT_LABEL)))
        .filter(pod -> instance.equals(label(pod, AuthServiceResources.INSTANCE_LABEL)))
        .allMatch(pod -> id.equals(Optional.ofNullable(pod.getMetadata().getAnnotations())
            .map(a -> a.get(RedisUsersSecret.PASSWORD_ID_ANNOTATION)).orElse(null)));
  }

  /**
   * Makes every running Redis pod accept exactly {@code after} (and, highly available, log in to
   * its primary with the newest), unless it already does. Returns false when a pod runs but could
   * not be told; true when each was, had been, or does not run (a Redis that starts reads the
   * Secret).
   */
  private boolean tellRedis(AuthService primary, Context<AuthService> context, List<String> before,
      List<String> after) {
    String uid = primary.getMetadata().getUid();
    boolean replicated = primary.getSpec().getRedis().getManaged().isHighlyAvailable();
    boolean toldAll = true;
    for (Pod redis : ManagedRedisPods.ready(primary, context, Component.REDIS)) {
      String key = uid + "/" + redis.getMetadata().getName();
      String state = ManagedRedisPods.incarnation(redis) + "/" + RedisUsersSecret.aclRule(after);
      if (state.equals(applied.get(key))) {
        continue;
      }
      // Log in with any password Redis may accept: the new one is not known to it yet.
      LinkedHashSet<String> logins = new LinkedHashSet<>(after);
      logins.addAll(before);
      String ip = redis.getStatus().getPodIP();
      try (RedisAdminConnection connection =
          RedisAdminConnection.open(ip, ManagedRedisStatefulSet.REDIS_PORT, TIMEOUT)) {
        if (!connection.authenticate(List.copyOf(logins))) {
          log.warn("Redis {} of {}/{} accepts none of the recorded passwords; it will read them"
              + " when it restarts", redis.getMetadata().getName(),
              primary.getMetadata().getNamespace(), primary.getMetadata().getName());
          toldAll = false;
          continue;
        }
        connection.command(RedisUsersSecret.setUserCommand(after));
        if (replicated) {
          connection.command("CONFIG", "SET", "masterauth", after.get(after.size() - 1));
        }
        applied.put(key, state);
      } catch (IOException e) {
        log.warn("Cannot tell Redis {} of {}/{} at {} its accepted passwords: {}",
            redis.getMetadata().getName(), primary.getMetadata().getNamespace(),
            primary.getMetadata().getName(), ip, e.toString());
        toldAll = false;
      }
    }
    return toldAll;
  }

  static Map<String, String> leastRecentlyUsed(int capacity) {
    return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > capacity;
      }
    });
  }

  private static void delete(AuthService primary, Context<AuthService> context) {
    context.getClient().secrets().inNamespace(primary.getMetadata().getNamespace())
        .withName(AuthServiceResources.redisUsersSecretName(primary.getMetadata().getName()))
        .delete();
  }

  private static String label(Pod pod, String key) {
    return Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.<String, String>of()).get(key);
  }
}
