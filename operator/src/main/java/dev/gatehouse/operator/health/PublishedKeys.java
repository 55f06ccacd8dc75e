package dev.gatehouse.operator.health;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The signing keys each running auth pod publishes in its JWKS ({@code /.well-known/jwks.json}, a
 * standard document: no contract of ours beyond the order, docs/auth-service-contract.md). The key
 * a pod signs with comes first. JOSDK reconciles when this changes, so it holds kids and max-ages
 * only, nothing that moves on every poll.
 *
 * @param runningPods auth pods that are running, and so were asked
 * @param pods the ones that answered, by pod name
 */
public record PublishedKeys(int runningPods, List<PodKeys> pods) {

  /**
   * @param kids the kids of the pod's JWKS, in its order: the first signs
   * @param maxAge the {@code Cache-Control} max-age of the pod's JWKS: how long a verifier may
   *     hold a set without a newly published key
   */
  public record PodKeys(String pod, List<String> kids, Duration maxAge) {

    public PodKeys {
      kids = List.copyOf(kids);
    }

    Optional<String> signingKid() {
      return kids.isEmpty() ? Optional.empty() : Optional.of(kids.get(0));
    }
  }

  public PublishedKeys {
    pods = pods.stream().sorted(Comparator.comparing(PodKeys::pod)).toList();
  }

  /** Every running pod answered: no pod is left out of an "every pod" below. */
  public boolean everyPodAnswered() {
    return runningPods > 0 && pods.size() == runningPods;
  }

  /** Every running pod publishes {@code kid}: it verifies tokens signed with it. */
  public boolean everyPodPublishes(String kid) {
    return everyPodAnswered() && pods.stream().allMatch(pod -> pod.kids().contains(kid));
  }

  /** Every running pod signs with {@code kid}: none signs with another key any more. */
  public boolean everyPodSignsWith(String kid) {
    return everyPodAnswered()
        && pods.stream().allMatch(pod -> pod.signingKid().filter(kid::equals).isPresent());
  }

  /** The longest time a verifier may cache one pod's key set. */
  public Duration longestMaxAge() {
    return pods.stream().map(PodKeys::maxAge).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
  }
}
