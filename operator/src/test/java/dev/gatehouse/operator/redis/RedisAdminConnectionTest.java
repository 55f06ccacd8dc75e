package dev.gatehouse.operator.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection's deadline against a loopback server this test runs, which answers with a valid
 * RESP reply one byte at a time, each byte well inside the read timeout: only a deadline on the
 * whole connection ends the wait. (A real redis-server that is paused: RedisReplicationIT.)
 */
class RedisAdminConnectionTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final String PASSWORD = "a-password-never-in-a-message";

  private ServerSocket server;
  private Thread serving;

  @AfterEach
  void stop() throws Exception {
    server.close();
    serving.interrupt();
    serving.join(5000);
  }

  @Test
  void aReplyTrickledByteByByteEndsAtTheDeadlineNotAfterManyReadTimeouts() throws Exception {
    // 40 bytes, one every 300 ms: 12 s in all, while no single read waits longer than 300 ms.
    trickle("$32\r\n" + "x".repeat(32) + "\r\n", Duration.ofMillis(300));

    long start = System.nanoTime();
    try (RedisAdminConnection connection = open()) {
      assertThatThrownBy(() -> connection.command("AUTH", PASSWORD))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessageNotContaining(PASSWORD);
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).as("one deadline, not a read timeout per byte")
        .isBetween(TIMEOUT.minusMillis(100), TIMEOUT.plusMillis(500));
  }

  @Test
  void theDeadlineCoversTheWholeConnectionNotEachCommand() throws Exception {
    // Each reply whole in 700 ms, within the timeout: the first fits the deadline, the second not.
    trickle("+OK\r\n", Duration.ofMillis(140));

    long start = System.nanoTime();
    try (RedisAdminConnection connection = open()) {
      assertThat(connection.command("PING")).isEqualTo("OK");
      assertThatThrownBy(() -> connection.command("PING")).isInstanceOf(SocketTimeoutException.class);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.plusMillis(500));
  }

  private RedisAdminConnection open() throws IOException {
    return RedisAdminConnection.open("127.0.0.1", server.getLocalPort(), TIMEOUT);
  }

  /** Serves one connection: after each command, the reply one byte every {@code pause}. */
  private void trickle(String reply, Duration pause) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    serving = new Thread(() -> {
      try (Socket client = server.accept()) {
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        byte[] request = new byte[1024];
        while (in.read(request) > 0) {
          for (byte b : reply.getBytes(StandardCharsets.US_ASCII)) {
            Thread.sleep(pause.toMillis());
            out.write(b);
            out.flush();
          }
        }
      } catch (IOException | InterruptedException closed) {
        // The test is over.
      }
    });
    serving.setDaemon(true);
    serving.start();
  }
}
