package dev.gatehouse.tls;

/**
 * A {@code kubernetes.io/tls} pair that cannot be served. The message names what to fix and never
 * quotes the files: one of them holds a private key.
 */
public final class InvalidTlsPair extends Exception {

  private final String file;
  private final String problem;

  InvalidTlsPair(String file, String problem) {
    super(file + " " + problem);
    this.file = file;
    this.problem = problem;
  }

  /** {@link TlsPair#CERTIFICATE_FILE} or {@link TlsPair#KEY_FILE}: the one to fix. */
  public String file() {
    return file;
  }

  /** What is wrong with {@link #file()}, worded to follow its name: "holds no ...". */
  public String problem() {
    return problem;
  }
}
