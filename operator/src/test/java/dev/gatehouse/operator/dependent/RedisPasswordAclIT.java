package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.operator.redis.RedisAdminConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's side of a password rotation against a real redis-server: the ACL rule file Redis
 * includes at start, and the ACL SETUSER the operator sends it at run time.
 */
class RedisPasswordAclIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir
  Path dir;
  private Process redis;
  private int port;

  @AfterEach
  void stop() throws InterruptedException {
    if (redis != null) {
      redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aNewPasswordIsAcceptedBesideTheOldOneThenTheOldOneIsRetiredWithoutDroppingItsConnections()
      throws Exception {
    start(List.of("old"));
    try (RedisAdminConnection earlier = RedisAdminConnection.open("127.0.0.1", port, TIMEOUT);
         RedisAdminConnection admin = RedisAdminConnection.open("127.0.0.1", port, TIMEOUT)) {
      assertThat(earlier.authenticate(List.of("old"))).isTrue();
      assertThat(admin.authenticate(List.of("new", "old"))).isTrue();

      admin.command(RedisUsersSecret.setUserCommand(List.of("old", "new")));
      assertThat(logsIn("old")).isTrue();
      assertThat(logsIn("new")).isTrue();

      admin.command(RedisUsersSecret.setUserCommand(List.of("new")));
      assertThat(logsIn("old")).isFalse();
      assertThat(logsIn("new")).isTrue();
      assertThat(earlier.command("PING")).isEqualTo("PONG");
    }
  }

  @Test
  void aRedisThatStartsReadsTheAcceptedPasswordsFromTheFileAndNoPasswordIsInIt() throws Exception {
    start(List.of("first-password", "second-password"));

    assertThat(logsIn("first-password")).isTrue();
    assertThat(logsIn("second-password")).isTrue();
    assertThat(logsIn("")).isFalse();
    assertThat(Files.readString(dir.resolve("users.conf")))
        .doesNotContain("first-password", "second-password");
  }

  @Test
  void aPausedRedisCostsAtMostTheTimeout() throws Exception {
    start(List.of("old"));
    try (RedisAdminConnection loggedIn = RedisAdminConnection.open("127.0.0.1", port, TIMEOUT)) {
      assertThat(loggedIn.authenticate(List.of("old"))).isTrue();
      ProcessBuilder stop = new ProcessBuilder("kill", "-STOP", Long.toString(redis.pid()));
      assertThat(stop.start().waitFor()).isZero();
      try {
        // The kernel still accepts connections and takes the commands; no reply comes.
        long started = System.nanoTime();
        assertThatThrownBy(() -> {
          try (RedisAdminConnection admin = RedisAdminConnection.open("127.0.0.1", port, TIMEOUT)) {
            admin.authenticate(List.of("old"));
          }
        }).isInstanceOf(SocketTimeoutException.class).hasMessageNotContaining("old");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.multipliedBy(2));

        started = System.nanoTime();
        assertThatThrownBy(() -> loggedIn.command("INFO", "replication"))
            .as("a connection opened before the pause, its deadline counted from its opening")
            .isInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT.dividedBy(2));
      } finally {
        new ProcessBuilder("kill", "-CONT", Long.toString(redis.pid())).start().waitFor();
      }
    }
    assertThat(logsIn("old")).as("answers again once resumed").isTrue();
  }

  private boolean logsIn(String password) throws IOException {
    try (RedisAdminConnection connection = RedisAdminConnection.open("127.0.0.1", port, TIMEOUT)) {
      return connection.authenticate(List.of(password));
    }
  }

  private void start(List<String> passwords) throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.writeString(dir.resolve("users.conf"), RedisUsersSecret.aclRule(passwords));
    Files.writeString(dir.resolve("redis.conf"), String.join("\n",
        "port " + port, "bind 127.0.0.1", "save \"\"", "appendonly no", "dir " + dir,
        "include " + dir.resolve("users.conf"), ""));
    redis = new ProcessBuilder("redis-server", dir.resolve("redis.conf").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
  }
}
