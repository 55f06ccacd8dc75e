package dev.gatehouse.auth.token;

import java.util.List;

/**
 * The claims that forward-auth copies into request headers ({@code X-Auth-Subject},
 * {@code X-Auth-Client-Id}, {@code X-Auth-Scope}, {@code X-Auth-Token-Id}). Their values must be
 * sendable as an HTTP header value as they are: printable ASCII (0x20-0x7E) only, no leading or
 * trailing space. A CR, LF or NUL would otherwise make Netty refuse the header (a 500) or, worse
 * in another stack, split it; non-ASCII would be mangled on the wire, so two subjects could meet.
 * The verifier refuses tokens that break this (401) and the issuer refuses to sign them.
 */
public final class IdentityClaims {

    public static final String SUBJECT = "sub";
    public static final String TOKEN_ID = "jti";
    public static final List<String> NAMES =
            List.of(SUBJECT, TokenIssuer.CLIENT_ID_CLAIM, TokenIssuer.SCOPE_CLAIM, TOKEN_ID);

    private IdentityClaims() {
    }

    /** True if {@code value} can be an HTTP header value unchanged; the empty string is. */
    public static boolean isHeaderSafe(String value) {
        int length = value.length();
        if (length > 0 && (value.charAt(0) == ' ' || value.charAt(length - 1) == ' ')) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return false;
            }
        }
        return true;
    }
}
