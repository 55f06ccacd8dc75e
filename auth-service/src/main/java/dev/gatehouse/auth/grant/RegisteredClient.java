package dev.gatehouse.auth.grant;

import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/** A client of the clients file: who it is, its secret's hash, what it may ask for. */
public record RegisteredClient(String id, String secretHash, Set<String> grantTypes, Set<String> scopes) {

    public boolean mayUse(String grantType) {
        return grantTypes.contains(grantType);
    }

    /**
     * The scope to grant: all of the client's scopes when none is asked for, else exactly what was
     * asked if the client holds all of it.
     */
    public String grantedScope(String requested) {
        return narrowedScope(requested, scopes);
    }

    /** {@code requested} if every one of its scopes is in {@code allowed}; all of {@code allowed} if none. */
    public static String narrowedScope(String requested, Set<String> allowed) {
        if (requested == null || requested.isBlank()) {
            return String.join(" ", new TreeSet<>(allowed));
        }
        TreeSet<String> asked = new TreeSet<>(Arrays.asList(requested.trim().split("\\s+")));
        if (!allowed.containsAll(asked)) {
            throw new GrantException(400, "invalid_scope", "scope " + requested + " exceeds what is allowed");
        }
        return String.join(" ", asked);
    }

    @Override
    public String toString() {
        return "RegisteredClient[" + id + ", grants=" + grantTypes + ", scopes=" + scopes + "]";
    }
}
