package dev.splitscope.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.splitscope.engine.gguf.GgufFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code splitscope info MODEL.gguf [--json]}: architecture, hyperparameters, tokenizer, tensor table and totals. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a GGUF file's architecture, hyperparameters, tokenizer, tensors and totals by type (reads the header only).")
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL.gguf", description = "The GGUF file.")
    Path model;

    @Option(names = "--json", description = "Print the same content as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (Files.isDirectory(model)) throw new IllegalArgumentException(model + " is a directory, not a GGUF file");
        ModelInfo info;
        try (GgufFile f = GgufFile.openHeader(model)) {
            info = ModelInfo.of(f);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        else printText(info, out);
        out.flush();
        return 0;
    }

    static void printText(ModelInfo i, PrintWriter out) {
        out.printf("file           %s (%,d bytes, GGUF v%d, alignment %d, data at byte %,d)%n", i.file(), i.fileSize(),
                i.ggufVersion(), i.alignment(), i.dataOffset());
        out.printf("architecture   %s%n", i.architecture());
        if (!i.name().isEmpty()) out.printf("name           %s%n", i.name());
        out.printf("hyperparameters%s%n", i.hyperparameterSource().equals("spec") ? "" : " (from the file's " + i.architecture() + ".* keys)");
        printMap(i.hyperparameters(), out);
        out.println("tokenizer");
        if (i.tokenizer().isEmpty()) out.println("  (none)");
        printMap(i.tokenizer(), out);
        out.printf("tensors (%d; offsets are file positions)%n", i.tensors().size());
        if (!i.tensors().isEmpty()) printTensors(i, out);
        out.println("totals by type");
        for (ModelInfo.TypeTotal t : i.totals())
            out.printf("  %-8s %5d tensors %,16d elements %,16d bytes  %5.1f%%%n", t.type(), t.tensors(), t.elements(), t.bytes(),
                    100.0 * t.bytes() / Math.max(1, i.totalBytes()));
        out.printf("  %-8s %5d tensors %,16d elements %,16d bytes (%s)%n", "all", i.tensors().size(), i.totalElements(),
                i.totalBytes(), human(i.totalBytes()));
    }

    private static void printMap(Map<String, Object> m, PrintWriter out) {
        int w = m.keySet().stream().mapToInt(String::length).max().orElse(0);
        m.forEach((k, v) -> out.printf("  %-" + w + "s  %s%n", k, v));
    }

    private static void printTensors(ModelInfo i, PrintWriter out) {
        int nameW = Math.max(4, i.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4));
        int shapeW = Math.max(5, i.tensors().stream().mapToInt(t -> shape(t.shape()).length()).max().orElse(5));
        String fmt = "  %-" + nameW + "s  %-7s  %-" + shapeW + "s  %14s  %14s%n";
        out.printf(fmt, "name", "type", "shape", "bytes", "offset");
        for (ModelInfo.TensorRow t : i.tensors())
            out.printf(fmt, t.name(), t.type(), shape(t.shape()), String.format("%,d", t.bytes()), String.format("%,d", t.offset()));
    }

    static String shape(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < dims.length; d++) sb.append(d == 0 ? "" : " x ").append(dims[d]);
        return sb.toString();
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.2f %s", v, units[u]);
    }
}
