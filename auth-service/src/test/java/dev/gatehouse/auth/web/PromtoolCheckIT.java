package dev.gatehouse.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.auth.support.AuthServiceExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Prometheus' own linter, {@code promtool check metrics} (Debian's prometheus package), on what
 * {@code /actuator/prometheus} serves once every Gatehouse metric has a sample: names, types,
 * units and help text as Prometheus expects them. Held to it: Gatehouse's own families and those
 * the service feeds or describes (requests, scheduled tasks). Micrometer's JVM and process
 * families keep Micrometer's names ({@code jvm_compilation_time_ms_total}, {@code system_cpu_count}),
 * which promtool's naming rules flag and which dashboards expect as they are.
 */
class PromtoolCheckIT {

    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @RegisterExtension
    static final AuthServiceExtension service = new AuthServiceExtension();

    @Test
    void gatehouseMetricsPassPromtoolsLint() throws Exception {
        String token = service.clientCredentialsToken();
        service.forwardAuth(token).expectStatus().isOk();
        service.forwardAuth("garbage").expectStatus().isUnauthorized();
        service.createUser("promtool-user", "a-long-enough-password-1");
        service.postForm("/oauth2/token", AuthServiceExtension.APP_CLIENT, AuthServiceExtension.APP_SECRET,
                Map.of("grant_type", "password", "username", "promtool-user", "password", "wrong"))
                .expectStatus().is4xxClientError();
        String exposition = service.client().get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        assertThat(exposition).contains("gatehouse_tokens_issued_total", "gatehouse_redis_pool_max");

        List<String> problems = promtool(exposition).stream()
                .filter(line -> !line.startsWith("jvm_") && !line.startsWith("process_")
                        && !line.startsWith("system_"))
                .toList();

        assertThat(problems).isEmpty();
    }

    /** The lines promtool prints: one {@code <metric> <problem>} a lint finding. */
    private static List<String> promtool(String exposition) throws IOException, InterruptedException {
        assertThat(PROMTOOL).as("promtool (apt-get install prometheus; hack/test.sh does)").isExecutable();
        Process process = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectErrorStream(true).start();
        process.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return Arrays.stream(output.split("\n")).map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
