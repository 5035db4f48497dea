package io.declutter.runner.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The declutter CLI in a child JVM: the real {@code io.declutter.runner.Main} (with its {@code System.exit}), on the
 * test class path, its output captured in files. Unlike {@link Cli}, it can be killed the way a DBA's {@code kill -9}
 * or a crashing host kills a runner: {@link #kill()} ({@code destroyForcibly}), no shutdown hook, no clean close.
 */
public final class ChildCli implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Process process;
    private final Path out;
    private final Path err;
    private final String label;

    private ChildCli(Process process, Path out, Path err, String label) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.label = label;
    }

    /** Starts {@code declutter <args>} in a new JVM; its standard output and error go to files in {@code dir}. */
    public static ChildCli start(Path dir, String... args) throws IOException {
        int n = COUNTER.incrementAndGet();
        Path out = dir.resolve("child-" + n + ".out");
        Path err = dir.resolve("child-" + n + ".err");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");   // starts faster; the work is in the database
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.declutter.runner.Main");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new ChildCli(p, out, err, "declutter " + String.join(" ", args));
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the JVM at once (SIGKILL) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM " + pid() + " did not die after SIGKILL");
        }
    }

    /**
     * Waits for the command to end by itself and returns its exit code and output; if it does not within
     * {@code timeout}, kills it and fails (a runner must never hang).
     */
    public Cli.Result await(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            String sofar = output();
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError(label + " did not end within " + timeout + " (killed); its output so far:\n" + sofar);
        }
        return result();
    }

    /** Exit code and output of a command that has ended (killed or not). */
    public Cli.Result result() {
        return new Cli.Result(process.exitValue(), read(out), read(err));
    }

    /** What the command printed so far. */
    public String output() {
        return "--- stdout\n" + read(out) + "\n--- stderr\n" + read(err);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + pid() + ")";
    }
}
