package dev.gatehouse.operator.secrets;

/**
 * What is wrong with a Secret the pods would read, in words a person can act on. The message names
 * the Secret, the key and the spec field that references it, never the Secret's content.
 *
 * @param reason the condition reason: names the object and what is wrong with it
 * @param message one sentence: which Secret, which key, what is wrong
 */
public record SecretProblem(String reason, String message) {

  static SecretProblem missing(String secret, String field, String namespace) {
    return new SecretProblem("SecretMissing",
        "Secret " + secret + " (" + field + ") does not exist in namespace " + namespace);
  }

  static SecretProblem keyMissing(String secret, String key, String field) {
    return new SecretProblem("SecretKeyMissing",
        "Secret " + secret + " has no key " + key + " (" + field + ")");
  }

  static SecretProblem invalid(String secret, String what) {
    return new SecretProblem("SecretInvalid", "Secret " + secret + ": " + what);
  }

  static SecretProblem invalid(String secret, String key, String what) {
    return new SecretProblem("SecretInvalid", "Secret " + secret + ", key " + key + ": " + what);
  }
}
