package dev.gatehouse.auth.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * HTTPS for the service's port. {@code dir} holds {@code tls.crt} (the chain, leaf first) and
 * {@code tls.key}: the keys of a {@code kubernetes.io/tls} Secret, which cert-manager writes and
 * renews. Without it the port speaks plain HTTP. The files are read again every
 * {@code reloadInterval}; a renewed pair is served from the next handshake on.
 */
public record TlsProperties(Path dir, @DefaultValue("10s") Duration reloadInterval) {
}
