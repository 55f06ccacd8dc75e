package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.auth.config.RedisProperties;
import dev.gatehouse.auth.support.Contracts;
import io.lettuce.core.SslVerifyMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The CA file is read at start-up: a bad one stops the service with the file's name, never its bytes. */
class RedisTlsTest {

    @Test
    void withoutACaFileTheJdkTrustStoreAndTheHostNameAreChecked() {
        RedisProperties redis = redis(Map.of("tls", "true"));
        assertThat(RedisTls.verifyMode(redis)).isEqualTo(SslVerifyMode.FULL);
        assertThat(RedisTls.sslOptions(redis)).isNotNull();
    }

    @Test
    void withAValidCaFileTheChainIsCheckedAgainstItOnly() {
        Path ca = Contracts.path("redis-ca", "valid-two-cas.crt");
        RedisProperties redis = redis(Map.of("tls", "true", "tls-ca-file", ca.toString()));
        assertThat(RedisTls.verifyMode(redis)).isEqualTo(SslVerifyMode.CA);
        assertThat(RedisTls.sslOptions(redis)).isNotNull();
    }

    @Test
    void aMissingFileNamesTheSettingAndTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("ca.crt");
        assertThatThrownBy(() -> RedisTls.sslOptions(redis(Map.of("tls", "true", "tls-ca-file", missing.toString()))))
                .hasMessage("gatehouse.redis.tls-ca-file: cannot read " + missing + " (NoSuchFileException)");
    }

    @Test
    void aFileWithAKeyOrNoCertificateIsRefusedWithoutQuotingIt() throws Exception {
        Path withKey = Contracts.path("redis-ca", "invalid-with-private-key.crt");
        assertThatThrownBy(() -> RedisTls.sslOptions(redis(Map.of("tls", "true", "tls-ca-file", withKey.toString()))))
                .hasMessage("gatehouse.redis.tls-ca-file: " + withKey + " holds a private key: a CA bundle needs the"
                        + " certificates only")
                .message().doesNotContain(Files.readString(withKey).lines().skip(1).findFirst().orElseThrow());
        Path notPem = Contracts.path("redis-ca", "invalid-not-pem.crt");
        assertThatThrownBy(() -> RedisTls.sslOptions(redis(Map.of("tls", "true", "tls-ca-file", notPem.toString()))))
                .hasMessage("gatehouse.redis.tls-ca-file: " + notPem + " holds no PEM X.509 certificate");
    }

    private static RedisProperties redis(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("", RedisProperties.class);
    }
}
