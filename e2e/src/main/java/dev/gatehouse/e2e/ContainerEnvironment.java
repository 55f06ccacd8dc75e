package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container's environment with paths mapped to the materialised volumes and Service names
 * mapped to their {@link ServiceProxy}. A Redis host that is neither would send traffic off this
 * machine, so such a pod is refused.
 */
final class ContainerEnvironment {

  /** {@code <service>.<namespace>.svc[.cluster.local]}: the names cluster DNS would resolve. */
  private static final Pattern SERVICE_HOST =
      Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.svc(\\.cluster\\.local)?");

  private ContainerEnvironment() {}

  static Map<String, String> of(Pod pod, Container container, PodVolumes volumes,
      ServiceProxies services) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      if (var.getValueFrom() != null) {
        throw new IllegalStateException("env " + var.getName() + " uses valueFrom; the runner supports values only");
      }
      String value = Optional.ofNullable(var.getValue()).orElse("");
      env.put(var.getName(), volumes.localPath(value));
    }
    String redisHost = env.get("GATEHOUSE_REDIS_HOST");
    if (redisHost != null) {
      env.put("GATEHOUSE_REDIS_HOST", mappedHost(redisHost, pod, services));
    }
    String sentinels = env.get("GATEHOUSE_REDIS_SENTINEL_NODES");
    if (sentinels != null) {
      List<String> mapped = new ArrayList<>();
      for (String node : sentinels.split(",")) {
        int colon = node.lastIndexOf(':');
        mapped.add(mappedHost(node.substring(0, colon), pod, services) + node.substring(colon));
      }
      env.put("GATEHOUSE_REDIS_SENTINEL_NODES", String.join(",", mapped));
    }
    return env;
  }

  /** A Service's proxy address, or a loopback host as it is; any other host is refused. */
  private static String mappedHost(String host, Pod pod, ServiceProxies services) throws IOException {
    Matcher service = SERVICE_HOST.matcher(host);
    if (service.matches()) {
      return services.serviceAddress(service.group(3), service.group(1), pod.getStatus().getPodIP());
    }
    if (!InetAddress.getByName(host).isLoopbackAddress()) {
      throw new IllegalStateException("Redis host " + host + " is neither a Service nor loopback;"
          + " the cluster in a box sends no traffic off this machine");
    }
    return host;
  }
}
