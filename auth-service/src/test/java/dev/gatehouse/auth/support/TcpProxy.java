package dev.gatehouse.auth.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A TCP forwarder on loopback between the service and Redis (or a proxy and the service), standing
 * in for the network, that counts the connections it accepts. It can
 * {@link #blackhole()} (stop forwarding in both directions but keep every socket open, as a
 * partition does: TCP holds the bytes and delivers them once the path is back, {@link #heal()}),
 * and {@link #dropConnections()} (close every connection at once, as a reset or a restarted NAT
 * does). The upstream port is read at each accept, so the proxy can start before Redis does.
 */
public final class TcpProxy implements AutoCloseable {

    private final IntSupplier upstreamPort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean blackholed;
    private volatile boolean closed;
    private final AtomicInteger accepted = new AtomicInteger();

    public TcpProxy(IntSupplier upstreamPort) {
        this.upstreamPort = upstreamPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted since the proxy started. */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Stops forwarding: connections stay open and new ones are accepted, but no byte gets through. */
    public void blackhole() {
        blackholed = true;
    }

    /** Forwards again, starting with whatever was held back. */
    public void heal() {
        synchronized (gate) {
            blackholed = false;
            gate.notifyAll();
        }
    }

    /** Closes every connection through the proxy; new ones are accepted as before. */
    public void dropConnections() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        closed = true;
        heal();
        closeQuietly(server);
        dropConnections();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket downstream = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket();
                sockets.add(downstream);
                sockets.add(upstream);
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort.getAsInt()), 2000);
                } catch (IOException e) {
                    closeQuietly(downstream);
                    closeQuietly(upstream);
                    continue;
                }
                pump(downstream, upstream);
                pump(upstream, downstream);
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    awaitForwarding();
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // One side went away: the other goes too, below.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitForwarding() throws InterruptedException {
        synchronized (gate) {
            while (blackholed && !closed) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Already closed.
        }
    }
}
