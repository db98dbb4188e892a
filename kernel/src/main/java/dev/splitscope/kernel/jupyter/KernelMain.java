package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Starts the kernel: {@code KernelMain <connection-file> [--plugin-dir DIR]...}. Plugin jars are also taken from
 * {@code SPLITSCOPE_PLUGIN_PATH} (a path list of folders).
 */
public final class KernelMain {
    /** Held so the level settings are not lost when the logger is garbage collected. */
    private static final List<Logger> QUIETED = new ArrayList<>();

    private KernelMain() {}

    public static void main(String[] args) throws Exception {
        quietLogging();
        Path connectionFile = null;
        List<Path> pluginDirs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--plugin-dir") && i + 1 < args.length) pluginDirs.add(Path.of(args[++i]));
            else if (connectionFile == null && !args[i].startsWith("--")) connectionFile = Path.of(args[i]);
            else usage("unexpected argument '" + args[i] + "'");
        }
        if (connectionFile == null) usage("the connection file is missing");
        String env = System.getenv("SPLITSCOPE_PLUGIN_PATH");
        if (env != null) for (String p : env.split(File.pathSeparator)) if (!p.isBlank()) pluginDirs.add(Path.of(p));

        KernelConnectionProperties props = readConnection(connectionFile);
        GuardedConnection connection = new GuardedConnection(props);
        SplitscopeKernel kernel = new SplitscopeKernel(pluginDirs, new FileHistoryManager(FileHistoryManager.defaultFile()));
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        // JShell's and the engine's worker threads must not keep a shut-down kernel alive.
        System.exit(0);
    }

    private static KernelConnectionProperties readConnection(Path file) {
        try {
            return KernelConnectionProperties.parse(Files.readString(file));
        } catch (IOException e) {
            usage("cannot read the connection file " + file + ": " + e.getMessage());
        } catch (RuntimeException e) {
            usage("the connection file " + file + " is not valid JSON: " + e.getMessage());
        }
        throw new AssertionError();
    }

    /** basekernel logs every message at INFO; keep warnings and errors only. */
    static void quietLogging() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "splitscope kernel %4$s: %5$s%6$s%n");
        Logger root = LogManager.getLogManager().getLogger("");
        root.setLevel(Level.WARNING);
        for (var h : root.getHandlers()) h.setLevel(Level.WARNING);
        for (String name : List.of("Jupyter", "ShellChannel", "ControlChannel", "IOPubChannel", "StdinChannel", "HeartbeatChannel")) {
            Logger l = Logger.getLogger(name);
            l.setLevel(Level.WARNING);
            QUIETED.add(l);
        }
    }

    private static void usage(String problem) {
        System.err.println("splitscope kernel: " + problem);
        System.err.println("usage: java -cp ... dev.splitscope.kernel.jupyter.KernelMain <connection-file> [--plugin-dir DIR]...");
        System.exit(2);
    }
}
