package dev.gatehouse.auth.redis;

import dev.gatehouse.auth.config.RedisProperties;
import dev.gatehouse.tls.CaBundle;
import dev.gatehouse.tls.InvalidCaBundle;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a TLS connection to a Redis server or a Sentinel trusts, the same for both
 * (docs/auth-service.md, "Redis TLS").
 *
 * <p>Without {@code gatehouse.redis.tls-ca-file}: the JDK's trust store, and the host name checked
 * against the certificate ({@link SslVerifyMode#FULL}), because a public CA signs certificates for
 * anyone and only the name ties one to this Redis.
 *
 * <p>With it: that CA only, and the chain checked but not the name ({@link SslVerifyMode#CA}).
 * Behind Sentinel the service connects to whatever address a Sentinel names for the primary, an IP
 * address in most sets; certificates for a Redis set seldom carry every IP SAN a pod may get, and
 * Redis itself checks only the chain on its own TLS links (replicas to the primary, Sentinels to
 * both) against its {@code tls-ca-cert-file}. A private CA that signs only the set's members makes
 * the chain the identity; Lettuce's maintainers point users to the same mode for the IP addresses
 * a cluster announces (redis/lettuce#2837).
 */
final class RedisTls {

    private RedisTls() {
    }

    static SslVerifyMode verifyMode(RedisProperties redis) {
        return redis.tlsCaFile() == null ? SslVerifyMode.FULL : SslVerifyMode.CA;
    }

    /**
     * Lettuce's options for every TLS connection; the CA file is read once, now, so a file that is
     * missing or holds no certificate stops the start-up with a message naming it (never its bytes).
     */
    static SslOptions sslOptions(RedisProperties redis) {
        Path file = redis.tlsCaFile();
        if (file == null) {
            return SslOptions.create();
        }
        try {
            CaBundle bundle = CaBundle.read(Files.readAllBytes(file));
            return SslOptions.builder().jdkSslProvider().trustManager(bundle.trustManagerFactory()).build();
        } catch (IOException e) {
            throw new IllegalStateException("gatehouse.redis.tls-ca-file: cannot read " + file + " ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InvalidCaBundle e) {
            throw new IllegalStateException("gatehouse.redis.tls-ca-file: " + file + " " + e.getMessage());
        }
    }
}
