package dev.gatehouse.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in for kube-proxy for one Service port. A ClusterIP is virtual and the API server keeps
 * loopback pod IPs out of EndpointSlices, so the runner gives each Service a loopback address of
 * its own and forwards every new TCP connection to a ready pod of the Service, chosen at connect
 * time, as kube-proxy's rules would. A client that reconnects after its backend pod was replaced
 * (a Redis rolled for a new password) therefore reaches the new pod, as through a real Service.
 */
final class ServiceProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 1000;

  /** A backend: the pod's IP and the Service's target port resolved for that pod. */
  record Backend(String ip, int port) {
  }

  private final String name;
  private final ServerSocket server;
  private final Supplier<Optional<Backend>> backends;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private ServiceProxy(String name, ServerSocket server, Supplier<Optional<Backend>> backends) {
    this.name = name;
    this.server = server;
    this.backends = backends;
  }

  /** Listens at {@code address}:{@code port} and forwards to whatever {@code backends} names. */
  static ServiceProxy start(String name, String address, int port, Supplier<Optional<Backend>> backends)
      throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getByName(address), port));
    ServiceProxy proxy = new ServiceProxy(name, server, backends);
    Thread accept = new Thread(proxy::acceptLoop, "service-proxy-" + name);
    accept.setDaemon(true);
    accept.start();
    log.info("Service {} reachable at {}:{}", name, address, port);
    return proxy;
  }

  String address() {
    return server.getInetAddress().getHostAddress();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Thread connect = new Thread(() -> forward(client), "service-proxy-" + name + "-conn");
        connect.setDaemon(true);
        connect.start();
      } catch (IOException e) {
        if (!closed) {
          log.warn("Service {}: accept failed", name, e);
        }
      }
    }
  }

  /** No ready backend or a refused connect closes the client's connection, as a real Service does. */
  private void forward(Socket client) {
    Optional<Backend> backend = backends.get();
    if (backend.isEmpty()) {
      log.debug("Service {}: no ready pod; closing the connection", name);
      closeQuietly(client);
      return;
    }
    Socket upstream = new Socket();
    try {
      upstream.connect(new InetSocketAddress(backend.get().ip(), backend.get().port()), CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      log.debug("Service {}: {} refused: {}", name, backend.get(), e.toString());
      closeQuietly(client);
      closeQuietly(upstream);
      return;
    }
    open.add(client);
    open.add(upstream);
    Thread back = new Thread(() -> pump(upstream, client), "service-proxy-" + name + "-back");
    back.setDaemon(true);
    back.start();
    pump(client, upstream);
  }

  /** Copies until either side ends, then closes both, so the other direction ends too. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // A closed socket is how a connection ends here; nothing to report.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket socket) {
    open.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    open.forEach(this::closeQuietly);
  }
}
