package dev.gatehouse.operator.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One short connection from the operator to a Redis or Sentinel it manages, for the few
 * administrative commands the operator sends (AUTH, ACL SETUSER; REPLICAOF, INFO, SENTINEL): RESP2
 * over a plain socket. The timeout given to {@link #open} is the whole connection's deadline, the connect and every reply
 * together, so a paused, unreachable or slow Redis costs a reconcile at most that long per
 * connection: a timeout per read alone would let a node that sends a byte now and then hold one
 * reply for many timeouts. A client library with pools and event loops would be more than three
 * commands need, and the operator has no other use for one.
 *
 * <p>Error replies never carry the arguments of the command (Redis does not echo them), so the
 * messages of its exceptions hold no password.
 */
public final class RedisAdminConnection implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private RedisAdminConnection(Socket socket, Duration timeout, long deadline) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new BufferedInputStream(new DeadlineInputStream(socket, timeout, deadline));
  }

  /** Connects; {@code timeout} bounds this connection's whole life, from now to its last reply. */
  public static RedisAdminConnection open(String host, int port, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      return new RedisAdminConnection(socket, timeout, deadline);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Authenticates as the default user with the first of the passwords Redis accepts. Returns false
   * when it accepts none of them.
   */
  public boolean authenticate(List<String> passwords) throws IOException {
    for (String password : passwords) {
      try {
        command("AUTH", password);
        return true;
      } catch (RedisErrorReply e) {
        if (!e.getMessage().startsWith("WRONGPASS")) {
          throw e;
        }
      }
    }
    return false;
  }

  /** Sends one command and returns its reply: a simple or bulk string, an integer as text, or null. */
  public String command(String... arguments) throws IOException {
    Object reply = send(arguments);
    if (reply instanceof List<?>) {
      throw new IOException("Redis answered " + arguments[0] + " with an array, not a string");
    }
    return (String) reply;
  }

  /**
   * Sends one command whose reply is an array (SENTINEL MASTER's fields and values, an address),
   * and returns its elements as text; empty for a null array. Nested arrays are refused.
   */
  public List<String> commandForList(String... arguments) throws IOException {
    Object reply = send(arguments);
    if (reply == null) {
      return List.of();
    }
    if (!(reply instanceof List<?> list)) {
      throw new IOException("Redis answered " + arguments[0] + " with a string, not an array");
    }
    List<String> elements = new ArrayList<>();
    for (Object element : list) {
      if (element instanceof List<?>) {
        throw new IOException("Redis answered " + arguments[0] + " with nested arrays");
      }
      elements.add((String) element);
    }
    return elements;
  }

  private Object send(String... arguments) throws IOException {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(("*" + arguments.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
    for (String argument : arguments) {
      byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
      request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
      request.writeBytes(bytes);
      request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(request.toByteArray());
    out.flush();
    return reply();
  }

  private Object reply() throws IOException {
    int type = in.read();
    String line = line();
    switch (type) {
      case '*' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        List<Object> elements = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
          elements.add(reply());
        }
        return elements;
      }
      case '+', ':' -> {
        return line;
      }
      case '-' -> throw new RedisErrorReply(line);
      case '$' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        if (bytes.length != length + 2) {
          throw new IOException("Redis closed the connection mid-reply");
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case -1 -> throw new IOException("Redis closed the connection");
      default -> throw new IOException("unexpected Redis reply type '" + (char) type + "'");
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int previous = -1;
    for (int b = in.read(); b != -1; b = in.read()) {
      if (previous == '\r' && b == '\n') {
        byte[] bytes = line.toByteArray();
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
      }
      line.write(b);
      previous = b;
    }
    throw new IOException("Redis closed the connection");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * The socket's input, each blocking read given only what is left of the deadline (a socket read
   * timeout counts from each read, not from the first), and none at all once it has passed.
   */
  private static final class DeadlineInputStream extends FilterInputStream {
    private final Socket socket;
    private final Duration timeout;
    private final long deadline;

    DeadlineInputStream(Socket socket, Duration timeout, long deadline) throws IOException {
      super(socket.getInputStream());
      this.socket = socket;
      this.timeout = timeout;
      this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
      limit();
      return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      limit();
      return super.read(buffer, offset, length);
    }

    private void limit() throws IOException {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new SocketTimeoutException("Redis gave no complete reply within " + timeout.toMillis() + " ms");
      }
      socket.setSoTimeout((int) left);
    }
  }

  /** An error reply of Redis, such as WRONGPASS or NOPERM. */
  public static final class RedisErrorReply extends IOException {
    RedisErrorReply(String message) {
      super(message);
    }
  }
}
