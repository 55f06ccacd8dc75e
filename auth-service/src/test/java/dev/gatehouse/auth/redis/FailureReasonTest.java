package dev.gatehouse.auth.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisConnectionException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The shapes Lettuce gives a failed connect: the reason a person must see is found in each. */
class FailureReasonTest {

    @Test
    void aRefusedCertificateBehindWrappersWithoutAMessageIsNamed() {
        // Behind Sentinel: a message-less exception whose suppressed ones are each Sentinel's failure.
        RedisConnectionException outer = new RedisConnectionException((String) null);
        outer.addSuppressed(new RedisConnectionException("Cannot connect Redis Sentinel at rediss://127.0.0.1:1",
                new CompletionException(new SSLHandshakeException("PKIX path validation failed: no anchor"))));
        assertThat(FailureReason.of(outer)).isEqualTo("TLS handshake failed: PKIX path validation failed: no anchor");
    }

    @Test
    void withoutTlsTheFirstMessageInTheChainIsTheReason() {
        assertThat(FailureReason.of(new RedisConnectionException("Unable to connect to 127.0.0.1:6379")))
                .isEqualTo("Unable to connect to 127.0.0.1:6379");
        assertThat(FailureReason.of(new RuntimeException((String) null, new IllegalStateException("closed"))))
                .isEqualTo("closed");
        assertThat(FailureReason.of(new RedisConnectionException((String) null))).isEqualTo("RedisConnectionException");
    }
}
