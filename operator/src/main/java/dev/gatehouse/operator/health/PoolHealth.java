package dev.gatehouse.operator.health;

import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The pool health of one AuthService, coarse on purpose: it is what status shows, and JOSDK
 * reconciles whenever it changes, so it holds states and bands, never live numbers (those go to
 * Prometheus). A pod that did not answer counts as not reporting, never as healthy.
 *
 * @param runningPods auth pods that are running, ready or not, and so were asked
 * @param reportingPods of those, the ones that answered /health/redis
 * @param worst the worst state reported, or null when no pod reported
 * @param highUtilization some pod reports {@link PodPoolReport#HIGH_UTILIZATION}: its pool is above
 *     the pod's own warning threshold
 * @param warningCodes the distinct warning codes the pods report, sorted
 * @param serverMaxClients the least maxclients the pods read, if any did: behind Sentinel, pods
 *     that straddle a failover read different primaries, and the budget must fit the smaller
 */
public record PoolHealth(
    int runningPods,
    int reportingPods,
    PoolState worst,
    boolean highUtilization,
    SortedSet<String> warningCodes,
    Integer serverMaxClients) {

  static PoolHealth of(int runningPods, List<PodPoolReport> reports) {
    PoolState worst = reports.stream().map(PodPoolReport::state)
        .max(Enum::compareTo).orElse(null);
    boolean high = reports.stream().anyMatch(r -> r.warns(PodPoolReport.HIGH_UTILIZATION));
    SortedSet<String> codes = new TreeSet<>();
    reports.forEach(r -> r.warningList().forEach(w -> codes.add(w.code())));
    Integer maxClients = reports.stream()
        .map(PodPoolReport::redis)
        .filter(s -> s != null && s.maxclients() != null)
        .map(PodPoolReport.Server::maxclients)
        .min(Integer::compareTo).orElse(null);
    return new PoolHealth(runningPods, reports.size(), worst, high,
        Collections.unmodifiableSortedSet(codes), maxClients);
  }
}
