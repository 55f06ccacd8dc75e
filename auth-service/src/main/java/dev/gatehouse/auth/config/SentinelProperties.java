package dev.gatehouse.auth.config;

import jakarta.validation.constraints.AssertTrue;
import dev.gatehouse.auth.secret.MountedSecret;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Redis behind Sentinel: {@code master} names the monitored set, {@code nodes} are Sentinel
 * addresses ({@code host:port}). The service asks a Sentinel for the primary on every new
 * connection, so it follows a failover by itself. {@code passwordFile} is the Sentinels' own
 * password, if they have one; the data nodes' password stays {@code gatehouse.redis.password-file}.
 * Unset {@code master}: a single Redis at {@code gatehouse.redis.host}.
 */
public record SentinelProperties(String master, List<String> nodes, Path passwordFile) {

    private static final Pattern HOST_PORT = Pattern.compile("^[^\\s:]+:[0-9]{1,5}$");

    public boolean enabled() {
        return master != null && !master.isBlank();
    }

    public List<String> nodes() {
        return nodes == null ? List.of() : nodes;
    }

    @AssertTrue(message = "gatehouse.redis.sentinel.nodes must list host:port of at least one Sentinel"
            + " when gatehouse.redis.sentinel.master is set")
    public boolean isNodesGivenWithMaster() {
        return !enabled() || (!nodes().isEmpty() && nodes().stream().allMatch(node -> HOST_PORT.matcher(node).matches()));
    }

    /** The Sentinels' password, or null when they have none. */
    public char[] resolvePassword() {
        return passwordFile == null ? null : MountedSecret.read(passwordFile).toCharArray();
    }
}
