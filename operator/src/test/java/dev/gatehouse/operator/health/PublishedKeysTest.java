package dev.gatehouse.operator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the operator reads of a pod's JWKS, from real and from hostile answers. */
class PublishedKeysTest {

  @Test
  void readsTheKidsInOrderAndTheMaxAge() {
    assertThat(read(200, "public, max-age=60", """
        {"keys":[{"kty":"EC","kid":"new","use":"sig"},{"kty":"EC","kid":"old"}]}"""))
        .contains(new PublishedKeys.PodKeys("p", List.of("new", "old"), Duration.ofSeconds(60)));
    assertThat(read(200, null, "{\"keys\":[]}"))
        .contains(new PublishedKeys.PodKeys("p", List.of(), Duration.ZERO));
  }

  @Test
  void anythingButAKeySetIsNoAnswer() {
    assertThat(read(503, "max-age=60", "{\"keys\":[]}")).isEmpty();
    assertThat(read(200, "max-age=60", "not json")).isEmpty();
    assertThat(read(200, "max-age=60", "{\"keys\":{\"kid\":\"x\"}}")).isEmpty();
    assertThat(read(200, "max-age=60", "[]")).isEmpty();
    assertThat(read(200, "max-age=60", "{\"keys\":[{\"kid\":7},{\"kid\":\"ok\"}]}").orElseThrow().kids())
        .as("a kid that is not a string is no kid").containsExactly("ok");
    assertThat(read(200, "s-maxage=99, max-age=abc", "{\"keys\":[]}").orElseThrow().maxAge())
        .isEqualTo(Duration.ZERO);
    assertThat(read(200, "max-age=9999999999999", "{\"keys\":[]}").orElseThrow().maxAge())
        .as("too many digits: not read, rather than overflowing").isEqualTo(Duration.ZERO);
  }

  @Test
  void everyPodMeansEveryRunningPodAnswered() {
    PublishedKeys.PodKeys a = new PublishedKeys.PodKeys("a", List.of("new", "old"), Duration.ofSeconds(60));
    PublishedKeys.PodKeys b = new PublishedKeys.PodKeys("b", List.of("old", "new"), Duration.ofSeconds(90));
    PublishedKeys both = new PublishedKeys(2, List.of(b, a));
    assertThat(both.everyPodPublishes("new")).isTrue();
    assertThat(both.everyPodSignsWith("new")).isFalse();
    assertThat(both.longestMaxAge()).isEqualTo(Duration.ofSeconds(90));
    assertThat(both).as("ordered by pod, so equal polls are equal").isEqualTo(new PublishedKeys(2, List.of(a, b)));
    assertThat(new PublishedKeys(3, List.of(a, b)).everyPodPublishes("new")).isFalse();
    assertThat(new PublishedKeys(0, List.of()).everyPodPublishes("new")).isFalse();
  }

  private static Optional<PublishedKeys.PodKeys> read(int status, String cacheControl, String body) {
    return PublishedKeysObserver.read("p", status, Optional.ofNullable(cacheControl),
        body.getBytes(StandardCharsets.UTF_8));
  }
}
