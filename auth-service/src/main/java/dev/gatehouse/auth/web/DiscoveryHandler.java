package dev.gatehouse.auth.web;

import dev.gatehouse.auth.config.GatehouseProperties;
import dev.gatehouse.auth.config.JwtAlgorithm;
import dev.gatehouse.auth.config.JwtProperties;
import dev.gatehouse.auth.grant.ClientAuthenticator;
import dev.gatehouse.auth.grant.Grant;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * Authorization server metadata (RFC 8414), served also as OpenID Connect discovery: clients and
 * resource servers that are given only the issuer (Spring Security's {@code issuer-uri}, go-oidc,
 * oauth2-proxy) find the token endpoint and the key set from it.
 *
 * <p>Endpoint URLs are the issuer followed by the service's own paths, so the issuer must be the
 * URL at which clients reach this service (through a proxy that strips the issuer's path, if it
 * has one). It lists only what the service does: no authorization endpoint, no ID tokens.
 */
@Component
public class DiscoveryHandler {

    static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";
    static final String AUTHORIZATION_SERVER = "/.well-known/oauth-authorization-server";

    /** Nothing in it changes without a new configuration, which rolls the pods. */
    private static final CacheControl CACHE = CacheControl.maxAge(Duration.ofHours(1));

    private final Map<String, Object> metadata;
    private final Set<String> paths;

    public DiscoveryHandler(GatehouseProperties properties, List<Grant> grants) {
        JwtProperties jwt = properties.jwt();
        this.metadata = metadata(jwt, grants.stream().map(Grant::type).sorted().toList());
        this.paths = paths(URI.create(jwt.issuer()).getRawPath());
    }

    /**
     * Where clients look for the document of an issuer with path {@code p}: OpenID Connect at
     * {@code p + /.well-known/openid-configuration}, RFC 8414 (§3.1) at
     * {@code /.well-known/oauth-authorization-server + p}; and both without {@code p}, which is
     * what a proxy that strips the issuer's path forwards.
     */
    static Set<String> paths(String issuerPath) {
        String path = issuerPath == null || issuerPath.equals("/") ? "" : issuerPath.replaceAll("/+$", "");
        Set<String> paths = new LinkedHashSet<>();
        paths.add(OPENID_CONFIGURATION);
        paths.add(AUTHORIZATION_SERVER);
        paths.add(path + OPENID_CONFIGURATION);
        paths.add(AUTHORIZATION_SERVER + path);
        return Set.copyOf(paths);
    }

    static Map<String, Object> metadata(JwtProperties jwt, List<String> grantTypes) {
        String issuer = jwt.issuer();
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        List<String> clientAuth = ClientAuthenticator.METHODS;
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("token_endpoint", base + "/oauth2/token");
        metadata.put("token_endpoint_auth_methods_supported", clientAuth);
        metadata.put("grant_types_supported", grantTypes);
        // RFC 8414 requires the list; there is no authorization endpoint, so no response type.
        metadata.put("response_types_supported", List.of());
        metadata.put("revocation_endpoint", base + "/oauth2/revoke");
        metadata.put("revocation_endpoint_auth_methods_supported", clientAuth);
        metadata.put("introspection_endpoint", base + IntrospectionRoute.PATH);
        metadata.put("introspection_endpoint_auth_methods_supported", clientAuth);
        if (jwt.algorithm() != JwtAlgorithm.HS256) {
            // An HMAC key is never published: resource servers must introspect instead.
            metadata.put("jwks_uri", base + JwksHandler.PATH);
        }
        // OpenID Connect's name for the algorithm of the JWTs that go-oidc and its kin verify;
        // without it they assume RS256.
        metadata.put("id_token_signing_alg_values_supported", List.of(jwt.algorithm().name()));
        metadata.put("subject_types_supported", List.of("public"));
        return Collections.unmodifiableMap(metadata);
    }

    Set<String> paths() {
        return paths;
    }

    public Mono<ServerResponse> metadata(ServerRequest request) {
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CACHE).bodyValue(metadata);
    }
}
