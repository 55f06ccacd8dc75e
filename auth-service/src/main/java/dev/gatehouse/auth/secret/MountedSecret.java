package dev.gatehouse.auth.secret;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A secret read from a file mounted from a Kubernetes Secret. */
public final class MountedSecret {

    private MountedSecret() {
    }

    /**
     * The file's content without its trailing line break: {@code echo secret > file} and
     * {@code kubectl create secret --from-file} disagree on it, and a stray newline in a password
     * is a day lost. The message names the file, never the content.
     */
    public static String read(Path file) {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            return content.stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read secret file " + file, e);
        }
    }
}
