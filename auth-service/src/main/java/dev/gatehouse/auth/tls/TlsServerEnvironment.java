package dev.gatehouse.auth.tls;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With {@code gatehouse.tls.dir} set, points the server at the bundle {@link MountedTlsBundle}
 * registers. One setting crosses the operator's boundary (GATEHOUSE_TLS_DIR), not Spring's names.
 * Added last, so an explicit {@code server.ssl.*} setting still wins.
 */
public class TlsServerEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String dir = environment.getProperty(MountedTlsBundle.DIR_PROPERTY);
        if (dir != null && !dir.isBlank()) {
            environment.getPropertySources().addLast(new MapPropertySource("gatehouse-tls",
                    Map.of("server.ssl.bundle", MountedTlsBundle.BUNDLE)));
        }
    }
}
