package dev.gatehouse.auth.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LockoutStoreTest {

    @Test
    void namesAreHashedIntoKeys() {
        String odd = "a b:c*\n{x}\u00e9" + "z".repeat(300);
        assertThat(LockoutStore.userKey(odd)).matches("gh:lockout:user:[0-9a-f]{32}");
        assertThat(LockoutStore.clientKey(odd)).matches("gh:lockout:client:[0-9a-f]{32}");
        assertThat(LockoutStore.userKey("Dave")).isNotEqualTo(LockoutStore.userKey("dave"));
    }

    @Test
    void addressesAreNormalizedAndIpv6CountsPerSlash64() {
        assertThat(LockoutStore.addressKey("10.0.0.1")).isEqualTo("gh:lockout:addr:10.0.0.1");
        assertThat(LockoutStore.addressKey("::ffff:10.0.0.1")).isEqualTo("gh:lockout:addr:10.0.0.1");
        assertThat(LockoutStore.addressKey("2001:db8:0:1::5"))
                .isEqualTo(LockoutStore.addressKey("2001:0db8:0000:0001:ffff::9"))
                .isEqualTo("gh:lockout:addr:2001:db8:0:1::/64");
        assertThat(LockoutStore.addressKey("2001:db8:0:2::5")).isNotEqualTo(LockoutStore.addressKey("2001:db8:0:1::5"));
        assertThat(LockoutStore.addressKey("unknown")).matches("gh:lockout:addr:h:[0-9a-f]{32}");
    }

    @Test
    void retryAfterIsRoundedUpToWholeSeconds() {
        assertThat(new LockoutStore.Attempt(LockoutStore.Lockout.USER, 1).retryAfterSeconds()).isEqualTo(1);
        assertThat(new LockoutStore.Attempt(LockoutStore.Lockout.USER, 1000).retryAfterSeconds()).isEqualTo(1);
        assertThat(new LockoutStore.Attempt(LockoutStore.Lockout.USER, 1001).retryAfterSeconds()).isEqualTo(2);
        assertThat(new LockoutStore.Attempt(LockoutStore.Lockout.USER, 0).retryAfterSeconds()).isEqualTo(1);
    }
}
