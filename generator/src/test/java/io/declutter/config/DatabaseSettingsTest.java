package io.declutter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the password comes from, and command-line settings over job-file settings. */
class DatabaseSettingsTest {

    private static DatabaseSettings fromEnv(String variable) {
        return new DatabaseSettings(Optional.empty(), Optional.empty(), Optional.of(variable), Optional.empty());
    }

    private static DatabaseSettings fromFile(Path file) {
        return new DatabaseSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(file));
    }

    @Test
    void passwordFromEnvironmentVariable() {
        assertThat(fromEnv("DECLUTTER_PASSWORD").password(Map.of("DECLUTTER_PASSWORD", "s3cret ")))
                .contains("s3cret ");
    }

    @Test
    void missingEnvironmentVariableIsAnErrorNamingIt() {
        assertThatThrownBy(() -> fromEnv("DECLUTTER_PASSWORD").password(Map.of("OTHER", "x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.passwordEnv")
                .hasMessageContaining("DECLUTTER_PASSWORD, which is not set");
    }

    @Test
    void passwordFromFileWithoutTrailingNewline(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("pw"), "s3cret\n");

        assertThat(fromFile(file).password(Map.of())).contains("s3cret");
    }

    @Test
    void unreadablePasswordFileIsAnErrorNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> fromFile(missing).password(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot read database.passwordFile " + missing);
    }

    @Test
    void noPasswordSourceGivesNoPassword() {
        assertThat(DatabaseSettings.NONE.password(Map.of("PGPASSWORD", "x"))).isEmpty();
    }

    @Test
    void commandLineSettingsOverrideJobFileSettingsPartByPart() {
        DatabaseSettings jobFile = new DatabaseSettings(Optional.of("jdbc:postgresql://a/app"), Optional.of("dba"),
                Optional.of("PW"), Optional.empty());
        DatabaseSettings commandLine = new DatabaseSettings(Optional.of("jdbc:postgresql://b/app"), Optional.empty(),
                Optional.empty(), Optional.empty());

        assertThat(jobFile.overriddenBy(commandLine)).isEqualTo(new DatabaseSettings(
                Optional.of("jdbc:postgresql://b/app"), Optional.of("dba"), Optional.of("PW"), Optional.empty()));
        assertThat(jobFile.overriddenBy(DatabaseSettings.NONE)).isEqualTo(jobFile);
    }
}
