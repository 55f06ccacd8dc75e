package dev.gatehouse.auth.support;

import java.nio.file.Path;

/** The repository's contracts/ folder (contracts/README.md), which the operator's tests read too. */
public final class Contracts {

    private Contracts() {
    }

    /** A file or folder below contracts/; Maven runs the module's tests from auth-service/. */
    public static Path path(String first, String... more) {
        return Path.of(System.getProperty("gatehouse.contracts.dir", "../contracts")).resolve(Path.of(first, more));
    }
}
