package dev.gatehouse.auth.token;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.util.function.Supplier;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The JCA providers that sign and verify tokens.
 *
 * <p>Amazon Corretto Crypto Provider (ACCP: AWS-LC, whose P-256 is constant-time assembly) where
 * its native library loads, that is on Linux x86_64 or aarch64 with glibc, as in our image: it
 * signs and verifies ES256 many times faster than SunEC or BouncyCastle, and signing was the largest
 * share of CPU under load before (docs/benchmarks.md, "What changed").
 * The provider is passed to jjwt explicitly rather than installed JVM-wide, so TLS and everything
 * else keep the JDK's providers.
 *
 * <p>Elsewhere (a developer's Mac, a musl image) the service still runs, with a warning: signing
 * falls back to the JDK's constant-time SunEC, since the signing key is the one secret an attacker
 * could time, and verification, which handles only public input, to BouncyCastle, the faster of
 * the two pure-Java verifiers.
 */
@Component
public class JcaProviders {

    private static final Logger log = LoggerFactory.getLogger(JcaProviders.class);

    private final Provider signing;
    private final Provider verification;

    public JcaProviders() {
        this(JcaProviders::correttoIfLoaded);
    }

    /** @param nativeProvider the native provider, or one that gives null where it cannot load */
    JcaProviders(Supplier<Provider> nativeProvider) {
        Provider loaded = nativeProvider.get();
        // null is jjwt's "the JCA's preferred provider": SunEC for EC keys.
        this.signing = loaded;
        this.verification = loaded != null ? loaded : new BouncyCastleProvider();
    }

    private static Provider correttoIfLoaded() {
        Throwable error;
        try {
            AmazonCorrettoCryptoProvider provider = AmazonCorrettoCryptoProvider.INSTANCE;
            error = provider.getLoadingError();
            if (error == null) {
                provider.assertHealthy();
                log.info("Signing and verifying tokens with {} {}", provider.getName(), provider.getVersionStr());
                return provider;
            }
        } catch (RuntimeException | LinkageError e) {
            error = e;
        }
        log.warn("Native crypto provider unavailable ({}); signing with the JDK's providers, many times slower",
                error.toString());
        return null;
    }

    /**
     * {@code key} as the signing provider's own key object. ACCP converts a JDK key into its native
     * form on every {@code initSign}, which was a third of a signature's cost; converting once when
     * the key is loaded saves that. Unchanged without a native provider, or for a secret (HMAC) key.
     */
    public Key nativeSigningKey(Key key) {
        if (signing == null || !(key instanceof PrivateKey)) {
            return key;
        }
        try {
            return KeyFactory.getInstance(key.getAlgorithm(), signing).translateKey(key);
        } catch (GeneralSecurityException e) {
            log.warn("Signing with the key as loaded: {} cannot convert it ({})", signing.getName(), e.toString());
            return key;
        }
    }

    /** The provider for signing, or null for the JCA's preferred one. */
    public Provider signing() {
        return signing;
    }

    public Provider verification() {
        return verification;
    }
}
