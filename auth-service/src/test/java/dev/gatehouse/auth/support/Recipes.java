package dev.gatehouse.auth.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The proxy recipes of examples/, read as users copy them, with only their addresses replaced. */
public final class Recipes {

    private Recipes() {
    }

    /**
     * The recipe with each placeholder replaced; each must be there, so the recipe cannot drift
     * away from the test that runs it.
     */
    public static String placed(Path recipe, Map<String, String> replacements) throws IOException {
        assertThat(recipe).as(recipe.toAbsolutePath().toString()).exists();
        String placed = Files.readString(recipe);
        for (Map.Entry<String, String> entry : replacements.entrySet()) {
            assertThat(placed).as(recipe.toString()).contains(entry.getKey());
            placed = placed.replace(entry.getKey(), entry.getValue());
        }
        return placed;
    }
}
