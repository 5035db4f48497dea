package io.declutter.runner.serve;

import io.declutter.runner.UserError;
import io.declutter.runner.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tokens file (docs/serve.md#tokens): hashes only, private to its owner, and 'declutter token add'. */
class TokensTest {

    @TempDir
    Path dir;

    @Test
    void aTokenIsShownOnceAndOnlyItsHashIsKept() throws Exception {
        Path file = dir.resolve("tokens");
        Cli.Result added = Cli.run("token", "add", "--tokens", file.toString(), "--name", "ci", "--role", "operator");
        Cli.ok(added);
        String token = added.out().strip();
        assertThat(token).matches("[A-Za-z0-9_-]{43}"); // 256 bits, Base64url
        assertThat(added.err()).contains("shown only this once");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String text = Files.readString(file);
        assertThat(text).doesNotContain(token).isEqualTo("ci operator " + Tokens.sha256(token) + "\n");

        String admin = Tokens.add(file, "root", Role.ADMIN);
        Tokens tokens = Tokens.read(file);
        assertThat(tokens.find(token).orElseThrow().role()).isEqualTo(Role.OPERATOR);
        assertThat(tokens.find(admin).orElseThrow().name()).isEqualTo("root");
        assertThat(tokens.find(token + "x")).isEmpty();
        assertThat(tokens.find("")).isEmpty();
        assertThat(admin).isNotEqualTo(token);

        Cli.Result again = Cli.run("token", "add", "--tokens", file.toString(), "--name", "ci", "--role", "viewer");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already has a token named 'ci'");
        Cli.Result badRole = Cli.run("token", "add", "--tokens", file.toString(), "--name", "x", "--role", "root");
        assertThat(badRole.exitCode()).isEqualTo(2);
        assertThat(badRole.err()).contains("--role root: give viewer, operator or admin");
        assertThat(Files.readString(file).lines()).hasSize(2);
    }

    @Test
    void aFileOthersMayReadIsRefused() throws Exception {
        Path file = dir.resolve("tokens");
        Tokens.add(file, "ci", Role.VIEWER);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Tokens.read(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("may be read or written by others (mode rw-r--r--)")
                .hasMessageContaining("chmod 600 " + file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw--w----"));
        assertThatThrownBy(() -> Tokens.read(file)).isInstanceOf(UserError.class);
        Path policy = dir.resolve("job.yaml");
        Files.writeString(policy, "job: t\nroot: {table: app.t, where: \"true\"}\n");
        Cli.Result serve = Cli.run("serve", "-j", policy.toString(), "--tokens", file.toString(), "--port", "0");
        assertThat(serve.exitCode()).as(serve.toString()).isEqualTo(2);
        assertThat(serve.err()).contains("may be read or written by others");
    }

    @Test
    void malformedLinesAreClearErrors() throws Exception {
        Path file = dir.resolve("tokens");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "# clients\n\nci operator abc\n");
        assertThatThrownBy(() -> Tokens.read(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("line 3: a token's hash is 64 lower-case hex digits");
        Files.writeString(file, "ci boss " + "a".repeat(64) + "\n");
        assertThatThrownBy(() -> Tokens.read(file)).isInstanceOf(UserError.class)
                .hasMessageContaining("line 1: role 'boss' is not viewer, operator or admin");
        assertThatThrownBy(() -> Tokens.read(dir.resolve("none"))).isInstanceOf(UserError.class)
                .hasMessageContaining("no such file; create it with 'declutter token add");
    }
}
