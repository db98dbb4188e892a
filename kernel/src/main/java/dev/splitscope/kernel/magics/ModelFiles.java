package dev.splitscope.kernel.magics;

import dev.splitscope.kernel.spi.MagicException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Resolves a model argument: a path to a .gguf file, or a bare name looked up (with or without ".gguf") in the model
 * folders: {@code SPLITSCOPE_MODELS} (a path list), {@code ./models}, and {@code ../shared/models} above the working
 * directory, each searched two levels deep.
 */
public final class ModelFiles {
    private ModelFiles() {}

    public static Path resolve(String arg, Path workingDir) {
        Path direct = workingDir.resolve(arg).normalize();
        if (Files.isRegularFile(direct)) return direct;
        if (Files.isDirectory(direct) && (arg.contains("/") || arg.endsWith(".gguf")))
            throw new MagicException(direct + " is a folder, not a GGUF file.", "Give the path of a .gguf file inside it.");
        if (Files.exists(direct) && (arg.contains("/") || arg.endsWith(".gguf")))
            throw new MagicException(direct + " is not a regular file (a device or a pipe?), so it cannot be a GGUF model.",
                    "Give the path of a .gguf file.");
        if (arg.contains("/") || arg.endsWith(".gguf"))
            throw new MagicException("the model file " + direct + " does not exist.",
                    "Check the path (relative paths start at " + workingDir + "), or give a model name found in: "
                            + String.join(", ", folders(workingDir).stream().map(Path::toString).toList()) + ".");
        for (Path dir : folders(workingDir)) {
            Optional<Path> hit = find(dir, arg);
            if (hit.isPresent()) return hit.get();
        }
        throw new MagicException("no model file named '" + arg + "' was found.",
                "Give a path to a .gguf file, or put it in one of: "
                        + String.join(", ", folders(workingDir).stream().map(Path::toString).toList())
                        + " (set SPLITSCOPE_MODELS to add folders).");
    }

    /** The folders searched for bare model names, in order. */
    public static List<Path> folders(Path workingDir) {
        List<Path> out = new ArrayList<>();
        String env = System.getenv("SPLITSCOPE_MODELS");
        if (env != null) for (String p : env.split(File.pathSeparator)) if (!p.isBlank()) out.add(Path.of(p));
        out.add(workingDir.resolve("models"));
        for (Path d = workingDir; d != null; d = d.getParent()) {
            Path shared = d.resolve("../shared/models").normalize();
            if (Files.isDirectory(shared)) {
                out.add(shared);
                break;
            }
        }
        return out;
    }

    private static Optional<Path> find(Path dir, String name) {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().equals(name) || p.getFileName().toString().equals(name + ".gguf"))
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
