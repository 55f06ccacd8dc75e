package dev.gatehouse.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for processes a test starts on 127.0.0.1 beside the box (outside its pod range). */
final class LoopbackPorts {

  private LoopbackPorts() {}

  /** A port the OS had free a moment ago; the process that takes it binds it soon after. */
  static int free() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
