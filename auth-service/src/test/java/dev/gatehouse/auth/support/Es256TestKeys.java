package dev.gatehouse.auth.support;

import dev.gatehouse.auth.config.JwtAlgorithm;
import dev.gatehouse.auth.config.JwtProperties;
import dev.gatehouse.auth.token.JcaProviders;
import dev.gatehouse.auth.token.KeyRing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One fresh ES256 key {@code k} in a key directory, for tests that sign and verify without Spring:
 * its {@link KeyRing}, the {@link JwtProperties} to verify with (issuer {@code https://issuer},
 * audience {@code api}) and a {@link RawJws} that signs anything with the same key.
 */
public record Es256TestKeys(JcaProviders providers, KeyRing ring, JwtProperties properties, RawJws raw) {

    public static Es256TestKeys in(Path keys) throws IOException {
        AuthServiceExtension.writeEcKey(keys, "k");
        Files.writeString(keys.resolve("active-kid"), "k");
        JcaProviders providers = new JcaProviders();
        KeyRing ring = new KeyRing(keys, JwtAlgorithm.ES256, providers);
        JwtProperties properties = new JwtProperties("https://issuer", List.of("api"), JwtAlgorithm.ES256,
                Duration.ofMinutes(15), Duration.ofHours(1), keys, Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(30),
                8192, 1000);
        return new Es256TestKeys(providers, ring, properties,
                new RawJws(RawJws.readPem(keys.resolve("k.pem")), "k", "https://issuer", "api"));
    }
}
