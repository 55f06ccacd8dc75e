package dev.gatehouse.auth.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real Python OAuth clients from PyPI (src/test/python/requirements.txt), in a virtual environment
 * made once per set of pinned versions under ~/.cache/gatehouse, as the Kubernetes binaries are.
 * The machine's python3 is enough; a missing one fails the test.
 */
public final class PythonClients {

    private static final Path SOURCES = Path.of("src", "test", "python");

    private PythonClients() {
    }

    public record Run(int exitCode, String stdout, String stderr) {
    }

    /** Runs {@code script} (a file of src/test/python) with these environment variables. */
    public static Run run(String script, Map<String, String> environment) throws IOException, InterruptedException {
        Path python = environmentWithRequirements().resolve("bin").resolve("python");
        return exec(List.of(python.toString(), SOURCES.resolve(script).toString()), environment, 60);
    }

    private static synchronized Path environmentWithRequirements() throws IOException, InterruptedException {
        Path requirements = SOURCES.resolve("requirements.txt");
        Path cache = Path.of(System.getenv().getOrDefault("GATEHOUSE_CACHE_DIR",
                System.getProperty("user.home") + "/.cache/gatehouse"));
        Path venv = cache.resolve("python-clients-" + sha256(Files.readAllBytes(requirements)).substring(0, 12));
        if (Files.exists(venv.resolve("complete"))) {
            return venv;
        }
        Files.createDirectories(cache);
        check(exec(List.of("python3", "-m", "venv", "--clear", venv.toString()), Map.of(), 120));
        check(exec(List.of(venv.resolve("bin/python").toString(), "-m", "pip", "install", "--quiet",
                "--disable-pip-version-check", "-r", requirements.toString()), Map.of(), 600));
        Files.writeString(venv.resolve("complete"), "");
        return venv;
    }

    private static Run exec(List<String> command, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("gatehouse-python", ".out");
        Path err = Files.createTempFile("gatehouse-python", ".err");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in " + timeoutSeconds + " s");
            }
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void check(Run run) {
        if (run.exitCode() != 0) {
            throw new IllegalStateException("setting up the Python clients failed: " + run.stderr());
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
