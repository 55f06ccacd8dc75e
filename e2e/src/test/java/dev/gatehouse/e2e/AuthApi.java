package dev.gatehouse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.e2e.ClusterInABox.OAuthClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The auth service's HTTP API as the e2e tests call it (docs/auth-service.md), at one base URL: a
 * pod's address. One place for the requests, so the tests read as the steps they take.
 */
final class AuthApi {

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private static final Pattern ACCESS = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");

  private AuthApi() {}

  /** An access token and, for user grants, a refresh token. */
  record Tokens(String access, String refresh) {
  }

  static String issueToken(String baseUrl, OAuthClient oauth) throws IOException, InterruptedException {
    return tokens(post(baseUrl + "/oauth2/token", oauth, Map.of("grant_type", "client_credentials")))
        .access();
  }

  static HttpResponse<String> passwordGrant(String baseUrl, OAuthClient oauth, String user, String password)
      throws IOException, InterruptedException {
    return post(baseUrl + "/oauth2/token", oauth,
        Map.of("grant_type", "password", "username", user, "password", password));
  }

  static HttpResponse<String> refreshGrant(String baseUrl, OAuthClient oauth, String refreshToken)
      throws IOException, InterruptedException {
    return post(baseUrl + "/oauth2/token", oauth,
        Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  /** The tokens of a successful token response; fails the test on any other. */
  static Tokens tokens(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Matcher access = ACCESS.matcher(response.body());
    assertThat(access.find()).as(response.body()).isTrue();
    Matcher refresh = REFRESH.matcher(response.body());
    return new Tokens(access.group(1), refresh.find() ? refresh.group(1) : null);
  }

  static int revoke(String baseUrl, OAuthClient oauth, String token) throws IOException, InterruptedException {
    return post(baseUrl + "/oauth2/revoke", oauth, Map.of("token", token)).statusCode();
  }

  static boolean introspectActive(String baseUrl, OAuthClient oauth, String token)
      throws IOException, InterruptedException {
    HttpResponse<String> response = post(baseUrl + "/oauth2/introspect", oauth, Map.of("token", token));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body().replace(" ", "").contains("\"active\":true");
  }

  static int forwardAuth(String baseUrl, String token) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/forward-auth"))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An admin API call with the admin token (docs/auth-service.md, "Admin API"). */
  static HttpResponse<String> admin(String baseUrl, String adminToken, String method, String path,
      String json) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", "Bearer " + adminToken)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A form POST with client_secret_basic authentication. */
  static HttpResponse<String> post(String url, OAuthClient oauth, Map<String, String> form)
      throws IOException, InterruptedException {
    String body = form.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    String basic = Base64.getEncoder().encodeToString(
        (oauth.id() + ":" + oauth.secret()).getBytes(StandardCharsets.UTF_8));
    return HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .header("Authorization", "Basic " + basic)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
