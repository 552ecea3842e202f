package dev.sluice.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A service's {@code main} in its own JVM with the current classpath, so a test can SIGKILL it. */
public final class ChildJvm implements AutoCloseable {

    private final Process process;

    private ChildJvm(Process process) {
        this.process = process;
    }

    /** Starts {@code mainClass} with {@code env} added to this JVM's environment; output goes to {@code log}. */
    public static ChildJvm start(Class<?> mainClass, Map<String, String> env, Path log, String... args) {
        return start(mainClass, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"), env, log, args);
    }

    /** Like {@link #start(Class, Map, Path, String...)} with the given JVM options instead of the test ones. */
    public static ChildJvm start(Class<?> mainClass, List<String> jvmOptions, Map<String, String> env, Path log,
                                 String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        try {
            return new ChildJvm(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM and waits for the exit: shutdown hooks run, as when an orchestrator stops a service. */
    public void stop(Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL: no shutdown hook, no clean close, no flush. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
