package dev.gatehouse.auth.support;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** The repository's contracts/ folder (contracts/README.md), which the operator's tests read too. */
public final class Contracts {

    private Contracts() {
    }

    /** A file or folder below contracts/; Maven runs the module's tests from auth-service/. */
    public static Path path(String first, String... more) {
        return Path.of(System.getProperty("gatehouse.contracts.dir", "../contracts")).resolve(Path.of(first, more));
    }

    /** A {@code .properties} file below contracts/ (read as UTF-8), its keys sorted. */
    public static Map<String, Object> properties(String first, String... more) {
        Properties contract = new Properties();
        try (Reader reader = Files.newBufferedReader(path(first, more))) {
            contract.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> entries = new TreeMap<>();
        contract.forEach((key, value) -> entries.put((String) key, value));
        return entries;
    }
}
