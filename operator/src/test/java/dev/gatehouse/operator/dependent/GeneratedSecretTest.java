package dev.gatehouse.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.operator.api.AuthServices;
import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.AuthServiceResources;
import dev.gatehouse.operator.api.v1alpha1.JwtAlgorithm;
import dev.gatehouse.operator.secrets.PodSecrets;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeneratedSecretTest {

  @Test
  void redisPasswordIsAFreshRandomTokenAndNothingElse() {
    Map<String, String> data = new RedisPasswordSecret().generate(AuthServices.example("minimal.yaml"));

    assertThat(data).containsOnlyKeys("password");
    assertThat(data.get("password")).hasSizeGreaterThanOrEqualTo(43);
    assertThat(new RedisPasswordSecret().generate(AuthServices.example("minimal.yaml")).get("password"))
        .isNotEqualTo(data.get("password"));
  }

  @Test
  void es256KeyIsAnEcP256Pkcs8KeyNamedByActiveKid() throws Exception {
    AuthService primary = AuthServices.example("minimal.yaml");
    Map<String, String> data = new SigningKeySecret().generate(primary);

    String kid = data.get("active-kid");
    ECPrivateKey key = (ECPrivateKey) KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(pem(data.get(kid + ".pem"))));
    assertThat(key.getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
    assertThat(AuthServiceResources.signingKeySecretName(primary.getMetadata().getName(),
        PodSecrets.signingAlgorithm(primary))).isEqualTo("auth-jwt-es256");
  }

  @Test
  void rs256KeyIsA2048BitRsaKey() throws Exception {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().getJwt().setAlgorithm(JwtAlgorithm.RS256);
    Map<String, String> data = new SigningKeySecret().generate(primary);

    RSAPrivateKey key = (RSAPrivateKey) KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(pem(data.get(data.get("active-kid") + ".pem"))));
    assertThat(key.getModulus().bitLength()).isEqualTo(2048);
    assertThat(AuthServiceResources.signingKeySecretName(primary.getMetadata().getName(),
        PodSecrets.signingAlgorithm(primary))).isEqualTo("auth-jwt-rs256");
  }

  @Test
  void hs256SecretHasAtLeast32Bytes() {
    AuthService primary = AuthServices.example("minimal.yaml");
    primary.getSpec().getJwt().setAlgorithm(JwtAlgorithm.HS256);
    Map<String, String> data = new SigningKeySecret().generate(primary);

    assertThat(data.get(data.get("active-kid") + ".hmac")).hasSizeGreaterThanOrEqualTo(43);
  }

  @Test
  void generatedSecretIsImmutableAndOwnedLabelled() {
    AuthService primary = AuthServices.example("minimal.yaml");
    var secret = new AdminTokenSecret().desired(primary, new CachedSecrets().context());

    assertThat(secret.getImmutable()).isTrue();
    assertThat(secret.getMetadata().getLabels())
        .containsEntry(AuthServiceResources.MANAGED_BY_LABEL, AuthServiceResources.OPERATOR);
  }

  @Test
  void theSigningKeySecretIsMutableForItsRotationIsAnEditInPlace() {
    AuthService primary = AuthServices.example("minimal.yaml");
    var secret = new SigningKeySecret().desired(primary, new CachedSecrets().context());

    assertThat(secret.getImmutable()).isNull();
    assertThat(secret.getStringData()).containsKey("active-kid");
  }

  private static byte[] pem(String pem) {
    return Base64.getMimeDecoder().decode(pem
        .replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""));
  }
}
