package dev.gatehouse.e2e;

import org.springframework.security.crypto.bcrypt.BCrypt;

/**
 * The auth service's OAuth clients file (docs/auth-service-contract.md, "Clients file") for one
 * client: the secret is stored only as a bcrypt hash. hack/demo.sh and the e2e tests register their
 * client with it.
 */
public final class ClientsFile {

  private ClientsFile() {}

  /**
   * clients.yaml with one client for scope {@code api} that may use client_credentials, and the
   * password and refresh_token grants for users it logs in.
   */
  public static String withClient(String id, String secret) {
    return """
        clients:
          - id: %s
            secret-hash: "%s"
            grant-types: [client_credentials, password, refresh_token]
            scopes: [api]
        """.formatted(id, BCrypt.hashpw(secret, BCrypt.gensalt(10)));
  }

  /** {@code ClientsFile ID}, the secret in env GATEHOUSE_CLIENT_SECRET (never an argument): prints the file. */
  public static void main(String[] args) {
    String secret = System.getenv("GATEHOUSE_CLIENT_SECRET");
    if (args.length != 1 || secret == null || secret.isEmpty()) {
      System.err.println("usage: GATEHOUSE_CLIENT_SECRET=... ClientsFile CLIENT_ID");
      System.exit(2);
    }
    System.out.print(withClient(args[0], secret));
  }
}
