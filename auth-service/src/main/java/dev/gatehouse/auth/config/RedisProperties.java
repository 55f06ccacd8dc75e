package dev.gatehouse.auth.config;

import dev.gatehouse.auth.secret.MountedSecret;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where Redis is and how to talk to it. {@code replicaAcks}: how many replicas must hold a write
 * that keeps someone out (a revocation, a disabled user, a rotated or revoked refresh family)
 * before it is acknowledged, checked with {@code WAIT} within {@code replicaAckTimeout}; 0 with a
 * single Redis, which has no replica to wait for. The password comes from {@code password-file} (a mounted
 * Secret) or {@code password} (an env var set by {@code secretKeyRef}); {@link #toString()} leaves
 * both out so that no log line or error message ever carries it. {@code tlsCaFile}: PEM CA
 * certificates that replace the JDK's trust store for every Redis and Sentinel connection
 * ({@code dev.gatehouse.auth.redis.RedisTls} says what is verified with it).
 */
public record RedisProperties(
        @DefaultValue("localhost") @NotBlank String host,
        @DefaultValue("6379") @Min(1) @Max(65535) int port,
        @DefaultValue("false") boolean tls,
        Path tlsCaFile,
        Path passwordFile,
        String password,
        @DefaultValue("0") @Min(0) int database,
        @DefaultValue("2s") @NotNull Duration connectTimeout,
        @DefaultValue("1s") @NotNull Duration commandTimeout,
        @DefaultValue("10000") @Min(1) int requestQueueSize,
        @Valid @DefaultValue PoolProperties pool,
        @Valid @DefaultValue ReconnectProperties reconnect,
        @Valid @DefaultValue SentinelProperties sentinel,
        @DefaultValue("0") @Min(0) @Max(16) int replicaAcks,
        @DefaultValue("500ms") @NotNull Duration replicaAckTimeout) {

    @AssertTrue(message = "set gatehouse.redis.password-file or gatehouse.redis.password, not both")
    public boolean isPasswordSourceUnambiguous() {
        return passwordFile == null || password == null || password.isEmpty();
    }

    @AssertTrue(message = "gatehouse.redis.tls-ca-file is set but gatehouse.redis.tls is false: the CA is"
            + " only read for TLS connections; set gatehouse.redis.tls=true, or remove the CA file")
    public boolean isTlsCaFileWithTls() {
        return tlsCaFile == null || tls;
    }

    /** WAIT must answer before the command itself times out, or every durable write would fail. */
    @AssertTrue(message = "gatehouse.redis.replica-ack-timeout must be shorter than gatehouse.redis.command-timeout")
    public boolean isReplicaAckTimeoutWithinCommandTimeout() {
        return replicaAckTimeout == null || commandTimeout == null || replicaAckTimeout.compareTo(commandTimeout) < 0;
    }

    /** The password to authenticate with, or null when Redis has none. */
    public char[] resolvePassword() {
        if (passwordFile != null) {
            return MountedSecret.read(passwordFile).toCharArray();
        }
        return password == null || password.isEmpty() ? null : password.toCharArray();
    }

    @Override
    public String toString() {
        return "RedisProperties[host=" + host + ", port=" + port + ", tls=" + tls + ", tlsCaFile=" + tlsCaFile
                + ", database=" + database
                + ", passwordFile=" + passwordFile + ", password=" + (password == null ? "unset" : "<redacted>")
                + ", pool=" + pool + ", reconnect=" + reconnect + ", sentinel=" + sentinel
                + ", replicaAcks=" + replicaAcks + ", replicaAckTimeout=" + replicaAckTimeout + "]";
    }
}
