package dev.gatehouse.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Dockerfile read the way the builder reads it, as far as the tests need: instructions (with
 * continuation lines joined, comments dropped) grouped by stage. Images cannot be built on our
 * machines, so their configuration is checked here instead.
 */
record Dockerfile(Path path, List<List<Instruction>> stages) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Dockerfile read(Path path) {
    List<String> logical = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    try {
      for (String line : Files.readAllLines(path)) {
        String trimmed = line.strip();
        if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
          continue;
        }
        if (trimmed.endsWith("\\")) {
          current.append(trimmed, 0, trimmed.length() - 1).append(' ');
        } else {
          logical.add(current.append(trimmed).toString());
          current.setLength(0);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<List<Instruction>> stages = new ArrayList<>();
    for (String line : logical) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split("\\s+", 2);
      Instruction instruction = new Instruction(parts[0].toUpperCase(Locale.ROOT),
          parts.length > 1 ? parts[1] : "");
      if (instruction.keyword().equals("FROM")) {
        stages.add(new ArrayList<>());
      }
      if (stages.isEmpty()) {
        continue; // ARGs before the first FROM
      }
      stages.get(stages.size() - 1).add(instruction);
    }
    return new Dockerfile(path, stages);
  }

  List<Instruction> finalStage() {
    return stages.get(stages.size() - 1);
  }

  List<Instruction> all() {
    return stages.stream().flatMap(List::stream).toList();
  }

  /** The last instruction with this keyword in the final stage (the one that takes effect). */
  Instruction last(String keyword) {
    List<Instruction> found = finalStage().stream().filter(i -> i.keyword().equals(keyword)).toList();
    if (found.isEmpty()) {
      throw new AssertionError(path + " has no " + keyword + " in its final stage");
    }
    return found.get(found.size() - 1);
  }

  record Instruction(String keyword, String arguments) {

    /** The exec (JSON array) form; fails for the shell form, which would make sh PID 1. */
    List<String> execForm() {
      try {
        return List.of(JSON.readValue(arguments, String[].class));
      } catch (JsonProcessingException e) {
        throw new AssertionError(keyword + " is not in exec form: " + arguments, e);
      }
    }

    /** The words of the instruction without its --flags: for COPY, the sources then the destination. */
    List<String> words() {
      return List.of(arguments.split("\\s+")).stream().filter(w -> !w.startsWith("--")).toList();
    }

    boolean hasFlag(String prefix) {
      return List.of(arguments.split("\\s+")).stream().anyMatch(w -> w.startsWith(prefix));
    }
  }
}
