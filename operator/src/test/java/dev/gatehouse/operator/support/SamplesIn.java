package dev.gatehouse.operator.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.AnnotationBasedArgumentsProvider;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.support.ParameterDeclarations;

/** The cases of a parameterized test: the name of each sample in one folder of contracts/. */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ArgumentsSource(SamplesIn.Provider.class)
public @interface SamplesIn {

  /** The folder under contracts/, e.g. {@code tls}. */
  String value();

  final class Provider extends AnnotationBasedArgumentsProvider<SamplesIn> {
    @Override
    protected Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters,
        ExtensionContext context, SamplesIn folder) {
      return ContractSamples.names(folder.value()).stream().map(Arguments::of);
    }
  }
}
