package dev.gatehouse.operator.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the JWKS of each running auth pod of an AuthService with {@code spec.jwt.keyRotation}, at
 * the pool-health interval and on the same pods informer and client: the managed key rotation
 * switches to a new key only once every pod publishes it, and retires the old one only once no pod
 * signs with it ({@link PublishedKeys}). A change triggers a reconcile. Without keyRotation nothing
 * is polled, and a rotation under way waits where it is.
 */
final class PublishedKeysObserver
    implements PerResourcePollingEventSource.ResourceFetcher<PublishedKeys, AuthService> {

  static final String EVENT_SOURCE = "published-keys";
  static final String JWKS_PATH = "/.well-known/jwks.json";
  private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age=([0-9]{1,9})(?:$|[,\\s])");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger log = LoggerFactory.getLogger(PublishedKeysObserver.class);

  private final InformerEventSource<Pod, AuthService> pods;
  private final PoolHealthClient client;
  private final Duration requestTimeout;

  private PublishedKeysObserver(InformerEventSource<Pod, AuthService> pods, PoolHealthClient client,
      Duration requestTimeout) {
    this.pods = pods;
    this.client = client;
    this.requestTimeout = requestTimeout;
  }

  static PerResourcePollingEventSource<PublishedKeys, AuthService, String> eventSource(
      EventSourceContext<AuthService> context, InformerEventSource<Pod, AuthService> pods,
      PoolHealthClient client, Duration requestTimeout, ScheduledExecutorService executor) {
    return new PerResourcePollingEventSource<>(PublishedKeys.class, context,
        new PerResourcePollingConfigurationBuilder<PublishedKeys, AuthService, String>(
            new PublishedKeysObserver(pods, client, requestTimeout), PollInterval.DEFAULT)
            .withName(EVENT_SOURCE)
            .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
            .withExecutorService(executor)
            .build());
  }

  @Override
  public Set<PublishedKeys> fetchResources(AuthService primary) {
    if (!rotates(primary)) {
      return Set.of();
    }
    List<Pod> running = pods.getSecondaryResources(primary).stream()
        .filter(AuthPods::isRunning)
        .toList();
    List<String> names = new ArrayList<>();
    List<CompletableFuture<Optional<HttpResponse<byte[]>>>> requests = new ArrayList<>();
    for (Pod pod : running) {
      names.add(pod.getMetadata().getName());
      requests.add(client.get(pod.getStatus().getPodIP(), AuthPods.httpPort(pod),
          AuthPods.servesHttps(pod), JWKS_PATH));
    }
    PoolHealthObserver.awaitAll(requests, requestTimeout);
    List<PublishedKeys.PodKeys> answers = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      CompletableFuture<Optional<HttpResponse<byte[]>>> request = requests.get(i);
      if (request.isDone() && !request.isCompletedExceptionally()) {
        String pod = names.get(i);
        request.join().flatMap(response -> read(pod, response.statusCode(),
            response.headers().firstValue("Cache-Control"), response.body())).ifPresent(answers::add);
      }
    }
    return Set.of(new PublishedKeys(running.size(), answers));
  }

  @Override
  public Optional<Duration> fetchDelay(Set<PublishedKeys> lastFetched, AuthService primary) {
    return Optional.of(rotates(primary) ? PollInterval.of(primary) : PollInterval.DEFAULT);
  }

  private static boolean rotates(AuthService primary) {
    return primary.unreadableSpec().isEmpty() && primary.getSpec().getJwt() != null
        && primary.getSpec().getJwt().getKeyRotation() != null;
  }

  /** The kids of a 200 answer in order, and its max-age (none: 0); empty for anything else. */
  static Optional<PublishedKeys.PodKeys> read(String pod, int status, Optional<String> cacheControl,
      byte[] body) {
    if (status != 200) {
      return Optional.empty();
    }
    try {
      JsonNode keys = JSON.readTree(body).path("keys");
      if (!keys.isArray()) {
        return Optional.empty();
      }
      List<String> kids = new ArrayList<>();
      for (JsonNode key : keys) {
        if (key.path("kid").isTextual()) {
          kids.add(key.path("kid").asText());
        }
      }
      Duration maxAge = cacheControl
          .map(MAX_AGE::matcher).filter(Matcher::find)
          .map(m -> Duration.ofSeconds(Long.parseLong(m.group(1))))
          .orElse(Duration.ZERO);
      return Optional.of(new PublishedKeys.PodKeys(pod, kids, maxAge));
    } catch (IOException e) {
      log.debug("{} answered an unreadable key set: {}", pod, e.getMessage());
      return Optional.empty();
    }
  }
}
