package dev.splitscope.kernel.magics;

import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufFormatException;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.GgufTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.nio.file.Path;

/** {@code %gguf PATH|NAME [--meta] [--tensors]}: a GGUF file's header as tables, without mapping its weights. */
public final class GgufMagic extends PicocliMagic<GgufMagic.Options> {

    @Command(name = "gguf", description = "Show a GGUF file's header: a summary, its metadata (--meta) and its tensor directory (--tensors).")
    static final class Options {
        @Parameters(index = "0", paramLabel = "PATH|NAME", description = "A .gguf file, or a model name in the model folders.")
        String model;

        @Option(names = "--meta", description = "Show every metadata key (table variable gguf_meta).")
        boolean meta;

        @Option(names = "--tensors", description = "Show the tensor directory (table variable gguf_tensors).")
        boolean tensors;
    }

    @Override
    public String summary() {
        return "GGUF header as tables: summary, --meta metadata, --tensors tensor directory";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        Path path = ModelFiles.resolve(o.model, ctx.workingDirectory());
        try (GgufFile f = GgufFile.openHeader(path)) {
            TableOutput.show(ctx, summary(f), "gguf_summary");
            if (o.meta) TableOutput.show(ctx, GgufTables.metadata(f), "gguf_meta");
            if (o.tensors) TableOutput.show(ctx, GgufTables.tensors(f), "gguf_tensors");
        } catch (GgufFormatException e) {
            // the exception already names the file and the byte offset
            throw new MagicException("%gguf: not a valid GGUF file: " + e.getMessage(),
                    "Check that the download is complete (GGUF v2 or v3); fetch it again if it was truncated.", e);
        } catch (IOException e) {
            throw new MagicException("cannot read " + path + ": " + e.getMessage(),
                    "Check that the file exists and is readable.", e);
        }
    }

    private static Table summary(GgufFile f) {
        StringColumn key = StringColumn.create("property");
        StringColumn value = StringColumn.create("value");
        long bytes = 0;
        for (GgufTensorInfo t : f.tensors()) bytes += t.byteSize();
        add(key, value, "file", f.path().toString());
        add(key, value, "GGUF version", String.valueOf(f.version()));
        add(key, value, "architecture", f.metadata().getString("general.architecture", "?"));
        add(key, value, "name", f.metadata().getString("general.name", "?"));
        add(key, value, "metadata keys", String.valueOf(f.metadata().size()));
        add(key, value, "tensors", String.valueOf(f.tensors().size()));
        add(key, value, "tensor bytes", String.format("%,d", bytes));
        add(key, value, "bytes by type", f.bytesByType().toString());
        add(key, value, "alignment", String.valueOf(f.alignment()));
        return Table.create("GGUF " + f.path().getFileName(), key, value);
    }

    private static void add(StringColumn k, StringColumn v, String key, String value) {
        k.append(key);
        v.append(value);
    }
}
