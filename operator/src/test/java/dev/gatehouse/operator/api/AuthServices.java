package dev.gatehouse.operator.api;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** AuthServices for unit tests, read from the examples users apply, so tests and docs agree. */
public final class AuthServices {

  private AuthServices() {}

  public static AuthService example(String file) {
    Path path = Path.of(System.getProperty("gatehouse.examples.dir", "../examples"), file);
    try {
      AuthService service = Serialization.unmarshal(Files.readString(path), AuthService.class);
      service.getMetadata().setNamespace("shop");
      service.getMetadata().setUid("0c0ffee0-0000-4000-8000-000000000001");
      service.getMetadata().setGeneration(1L);
      return service;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
