package dev.gatehouse.operator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The samples of contracts/, which the auth service's tests read too. */
public final class ContractSamples {

  public static final Path DIRECTORY =
      Path.of(System.getProperty("gatehouse.contracts.dir", "../contracts"));

  private ContractSamples() {}

  /** One sample file, e.g. {@code clients/valid-two-clients.yaml}. */
  public static String read(String path) {
    try {
      return Files.readString(DIRECTORY.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of the samples in one folder, e.g. {@code tls}, sorted. */
  public static List<String> names(String folder) {
    try (Stream<Path> samples = Files.list(DIRECTORY.resolve(folder))) {
      return samples.map(path -> path.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folder of files as a Secret's entries: file name to content, sorted by name. */
  public static Map<String, String> entries(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      Map<String, String> entries = new TreeMap<>();
      for (Path file : files.toList()) {
        entries.put(file.getFileName().toString(), Files.readString(file));
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
