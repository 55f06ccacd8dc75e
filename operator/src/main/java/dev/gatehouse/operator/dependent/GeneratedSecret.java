package dev.gatehouse.operator.dependent;

import dev.gatehouse.operator.api.v1alpha1.AuthService;
import dev.gatehouse.operator.api.v1alpha1.Component;
import dev.gatehouse.operator.secrets.PodSecrets;
import dev.gatehouse.operator.secrets.SecretData;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A Secret the operator generates once and then never touches: it is a {@link Creator} but not an
 * Updater, so a reconcile can never overwrite key material. Deleting the Secret is how a user
 * rotates it: the next reconcile generates a new one, and the pods that read it roll because their
 * template carries a hash of it (except the signing key's, which the pods re-read and
 * {@link SigningKeyRotation} rotates in place). Owned by the AuthService, so it goes when the AuthService goes.
 * Its informer is the one {@link GeneratedSecrets} shares between all of them.
 */
abstract class GeneratedSecret extends KubernetesDependentResource<Secret, AuthService>
    implements Creator<Secret, AuthService>, GarbageCollected<AuthService> {

  private final Function<AuthService, String> name;

  /** @param name the Secret's name, from {@link dev.gatehouse.operator.api.v1alpha1.AuthServiceResources} */
  GeneratedSecret(Function<AuthService, String> name) {
    super(Secret.class);
    this.name = name;
  }

  /** The name of the generated Secret of this primary. */
  final String secretName(AuthService primary) {
    return name.apply(primary);
  }

  /** Fresh key material: called only when the Secret does not exist. */
  abstract Map<String, String> generate(AuthService primary);

  /** The text of one generated entry, if the Secret is there and has it. */
  static Optional<String> entry(Optional<Secret> secret, String key) {
    return secret.filter(s -> SecretData.hasKey(s, key))
        .map(s -> new String(SecretData.value(s, key), StandardCharsets.UTF_8));
  }

  /**
   * Names this kind of Secret had under other specs of the same primary: none, unless the spec is
   * part of the name.
   */
  Set<String> formerNames(AuthService primary) {
    return Set.of();
  }

  /**
   * Deletes the Secrets under {@link #formerNames}, at once, as a Secret the spec stops using is
   * deleted: otherwise key material nothing reads would stay until the AuthService goes. Running
   * pods keep the files they mounted until the rollout replaces them. Only a Secret this primary
   * owns and no field of its spec names is deleted.
   */
  void deleteFormer(AuthService primary, Context<AuthService> context) {
    Set<String> former = new HashSet<>(formerNames(primary));
    if (former.isEmpty()) {
      return;
    }
    former.removeAll(PodSecrets.of(primary).referencedByUser());
    context.getSecondaryResourcesAsStream(Secret.class)
        .filter(secret -> former.contains(secret.getMetadata().getName()))
        .filter(secret -> secret.getMetadata().getOwnerReferences().stream()
            .anyMatch(owner -> primary.getMetadata().getUid().equals(owner.getUid())))
        .map(secret -> secret.getMetadata().getName())
        .distinct()
        .forEach(name -> context.getClient().secrets()
            .inNamespace(primary.getMetadata().getNamespace()).withName(name).delete());
  }

  /**
   * Immutable: the kubelet stops watching it, and nothing can edit the material in place. Only a
   * Secret whose material the operator rotates in place is not.
   */
  boolean immutable() {
    return true;
  }

  /** Annotations that describe the material, never the material itself. */
  Map<String, String> annotations(AuthService primary) {
    return Map.of();
  }

  @Override
  protected Secret desired(AuthService primary, Context<AuthService> context) {
    return new SecretBuilder()
        .withMetadata(ChildMetadata.of(primary, secretName(primary), Component.AUTH))
        .editMetadata().withAnnotations(new TreeMap<>(annotations(primary))).endMetadata()
        .withType("Opaque")
        .withImmutable(immutable() ? Boolean.TRUE : null)
        .withStringData(new TreeMap<>(generate(primary)))
        .build();
  }

  /**
   * Never a second Secret, nor a second random value: a create refused because an earlier,
   * lost-answer create stored the Secret adopts the stored one.
   */
  @Override
  public Secret create(Secret desired, AuthService primary, Context<AuthService> context) {
    return CreateOrAdopt.create(() -> super.create(desired, primary, context), desired, primary,
        context);
  }

  /** Finds the Secret by name, so that looking it up never generates key material. */
  @Override
  protected ResourceID targetSecondaryResourceID(
      AuthService primary, Context<AuthService> context) {
    return new ResourceID(secretName(primary), primary.getMetadata().getNamespace());
  }
}
