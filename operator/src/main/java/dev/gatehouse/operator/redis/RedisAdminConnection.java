package dev.gatehouse.operator.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One short connection from the operator to a Redis or Sentinel it manages, for the few
 * administrative commands the operator sends (AUTH, ACL SETUSER; REPLICAOF, INFO, SENTINEL): RESP2 over a plain socket, every read and the
 * connect bounded by a timeout, so a paused or unreachable Redis costs a reconcile at most that
 * long. A client library with pools and event loops would be more than three commands need, and
 * the operator has no other use for one.
 *
 * <p>Error replies never carry the arguments of the command (Redis does not echo them), so the
 * messages of its exceptions hold no password.
 */
public final class RedisAdminConnection implements AutoCloseable {

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;

  private RedisAdminConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new BufferedInputStream(socket.getInputStream());
  }

  public static RedisAdminConnection open(String host, int port, Duration timeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      return new RedisAdminConnection(socket);
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

  /** An error reply of Redis, such as WRONGPASS or NOPERM. */
  public static final class RedisErrorReply extends IOException {
    RedisErrorReply(String message) {
      super(message);
    }
  }
}
