package dev.gatehouse.auth.support;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;

/** The real Redis a test's service talks to: one {@code redis-server}, or a Sentinel set. */
public interface RedisBackend extends BeforeAllCallback, AfterAllCallback {

    /** The data nodes' password. */
    String password();

    /** The {@code gatehouse.redis.*} settings that reach it, apart from the password file. */
    Map<String, String> connectionProperties();
}
