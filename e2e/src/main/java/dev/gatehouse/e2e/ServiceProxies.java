package dev.gatehouse.e2e;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * kube-proxy's part: one {@link ServiceProxy} per Service port, at a loopback address of its own,
 * forwarding each connection to a ready pod the Service selects at that moment.
 */
final class ServiceProxies implements AutoCloseable {

  /**
   * Where kube-proxy's stand-ins listen: 127.R.255.N, in the cluster's own loopback range 127.R.0.0/16
   * (hack/cluster-in-a-box.sh gives kwok only its lower half, 127.R.0.0/17, for pods).
   */
  private static final String SERVICE_ADDRESS_THIRD_OCTET = "255";

  private final KubernetesClient client;
  /** The pods the runner watches, from its informer's store. */
  private final Supplier<List<Pod>> pods;
  private final Map<String, List<ServiceProxy>> serviceProxies = new ConcurrentHashMap<>();
  private final AtomicInteger nextServiceAddress = new AtomicInteger(1);

  ServiceProxies(KubernetesClient client, Supplier<List<Pod>> pods) {
    this.client = client;
    this.pods = pods;
  }

  /**
   * The loopback address of the Service's proxy, started on first use with one listener per port, in
   * the /16 of the pod that first needs it.
   */
  String serviceAddress(String namespace, String name, String podIp) throws IOException {
    String key = namespace + "/" + name;
    List<ServiceProxy> existing = serviceProxies.get(key);
    if (existing != null) {
      return existing.get(0).address();
    }
    Service service = client.services().inNamespace(namespace).withName(name).get();
    if (service == null) {
      throw new PodVolumes.MissingVolumeSource("Service " + key);
    }
    String[] octets = podIp.split("\\.");
    String address = octets[0] + "." + octets[1] + "." + SERVICE_ADDRESS_THIRD_OCTET + "."
        + nextServiceAddress.getAndIncrement();
    List<ServiceProxy> proxies = new ArrayList<>();
    for (ServicePort port : service.getSpec().getPorts()) {
      proxies.add(ServiceProxy.start(key + ":" + port.getPort(), address, port.getPort(),
          () -> readyBackend(namespace, name, port)));
    }
    serviceProxies.put(key, proxies);
    return address;
  }

  /** A ready, live pod selected by the Service now (read at connect time, as kube-proxy's rules follow it). */
  private Optional<ServiceProxy.Backend> readyBackend(String namespace, String serviceName, ServicePort port) {
    Service service = client.services().inNamespace(namespace).withName(serviceName).get();
    if (service == null || service.getSpec().getSelector() == null) {
      return Optional.empty();
    }
    Map<String, String> selector = service.getSpec().getSelector();
    return pods.get().stream()
        .filter(p -> namespace.equals(p.getMetadata().getNamespace()))
        .filter(p -> p.getMetadata().getLabels() != null
            && p.getMetadata().getLabels().entrySet().containsAll(selector.entrySet()))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null
            && p.getStatus() != null && p.getStatus().getPodIP() != null && PodReadiness.isReady(p))
        .max(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
        .map(p -> new ServiceProxy.Backend(p.getStatus().getPodIP(), targetPort(p, port)));
  }

  private static int targetPort(Pod pod, ServicePort port) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return port.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    return pod.getSpec().getContainers().stream()
        .flatMap(c -> Optional.ofNullable(c.getPorts()).orElse(List.of()).stream())
        .filter(p -> target.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(port.getPort());
  }

  @Override
  public void close() {
    serviceProxies.values().forEach(list -> list.forEach(ServiceProxy::close));
  }
}
