package dev.splitscope.kernel.jupyter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command the integration tests run from the repository root: output captured, the process tree killed on timeout. */
final class ItProcess {
    static final Path ROOT = Path.of(System.getProperty("splitscope.root", "..")).toAbsolutePath().normalize();

    record Result(int exit, String output) {}

    private ItProcess() {}

    static Result run(List<String> cmd, Map<String, String> env, int timeoutS) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(ROOT.toFile());
        pb.environment().putAll(env);
        Path log = Files.createTempFile("splitscope-it", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            return new Result(-1, "timed out after " + timeoutS + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(p.exitValue(), out);
    }
}
