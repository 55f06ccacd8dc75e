package dev.gatehouse.auth.web;

import static org.springframework.web.reactive.function.server.RequestPredicates.path;

import dev.gatehouse.auth.config.GatehouseProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The HTTP routes of the service served through WebFlux: all but the Actuator's /actuator/* and
 * {@code POST /oauth2/introspect}, which {@link IntrospectionRoute} serves ahead of WebFlux.
 */
@Configuration(proxyBeanMethods = false)
public class Routes {

    @Bean
    RouterFunction<ServerResponse> gatehouseRoutes(OAuthHandler oauth, ForwardAuthHandler forwardAuth, JwksHandler jwks,
                                          RedisHealthHandler redisHealth, AdminHandler admin,
                                          DiscoveryHandler discovery, GatehouseProperties properties) {
        RouterFunctions.Builder routes = RouterFunctions.route();
        discovery.paths().forEach(metadataPath -> routes.GET(metadataPath, discovery::metadata));
        if (properties.benchmark().noopRoute()) {
            // The benchmark's baseline: the same server doing no work. Only when bench/ asks for it.
            routes.GET("/noop", request -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue("ok"));
        }
        return routes
                .POST("/oauth2/token", oauth::token)
                .POST("/oauth2/revoke", oauth::revoke)
                .POST("/oauth2/logout", oauth::logoutEverywhere)
                .GET(JwksHandler.PATH, jwks::keys)
                .route(path(ForwardAuthHandler.PATH).or(path(ForwardAuthHandler.PATH + "/**")), forwardAuth::check)
                .GET("/health/redis", redisHealth::report)
                .nest(path("/admin"), builder -> builder
                        .POST("/users", admin::create)
                        .GET("/users/{username}", admin::show)
                        .POST("/users/{username}/disable", admin::disable)
                        .POST("/users/{username}/enable", admin::enable)
                        .POST("/users/{username}/logout", admin::logoutEverywhere)
                        .DELETE("/users/{username}", admin::delete)
                        .filter(admin.guard()))
                .build();
    }
}
