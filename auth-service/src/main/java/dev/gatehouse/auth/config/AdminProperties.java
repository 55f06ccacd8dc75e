package dev.gatehouse.auth.config;

import java.nio.file.Path;

/** The admin API's bearer credential; without a token file the admin API answers 404. */
public record AdminProperties(Path tokenFile) {
}
