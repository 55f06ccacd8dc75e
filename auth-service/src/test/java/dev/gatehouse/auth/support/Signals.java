package dev.gatehouse.auth.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * SIGSTOP and SIGCONT for a process a test started, sent by kill(1): {@link Process} can only
 * terminate. A stopped process keeps its sockets and the kernel still accepts connections for it,
 * as after a VM pause or on a stuck host, but nothing answers.
 */
final class Signals {

    private Signals() {
    }

    static void send(Process process, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
