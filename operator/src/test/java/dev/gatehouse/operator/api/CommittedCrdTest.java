package dev.gatehouse.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** crds/ is what users install: it must be exactly what the Java model generates. */
class CommittedCrdTest {

  @Test
  void committedCrdMatchesTheGeneratedOne() throws IOException {
    Path generated = Path.of(System.getProperty("gatehouse.crd.generated"));
    Path committed = Path.of(System.getProperty("gatehouse.crd.committed"));

    assertThat(Files.readString(committed))
        .as("crds/ is stale: run ./mvnw -pl operator -am -Pupdate-crds process-classes and commit %s",
            committed)
        .isEqualTo(Files.readString(generated));
  }
}
