package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Locale;

/** {@code %models}: the loaded models, their devices and split; the default one is marked. */
public final class ModelsMagic extends PicocliMagic<ModelsMagic.Options> {

    @Command(name = "models", description = "List the loaded models. Model magics use the most recently loaded one unless given --model NAME.")
    static final class Options {
    }

    @Override
    public String summary() {
        return "list the loaded models";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        LoadedModels models = LoadedModels.of(ctx);
        if (models.names().isEmpty()) {
            ctx.out().println("no model is loaded; load one with %load PATH|NAME --devices cpu:2");
            return;
        }
        StringColumn name = StringColumn.create("name");
        BooleanColumn isDefault = BooleanColumn.create("default");
        StringColumn arch = StringColumn.create("architecture");
        IntColumn layers = IntColumn.create("layers");
        StringColumn devices = StringColumn.create("devices");
        StringColumn split = StringColumn.create("split");
        IntColumn ctxLen = IntColumn.create("ctx");
        StringColumn path = StringColumn.create("path");
        for (String n : models.names()) {
            LoadedModel m = models.get(n);
            name.append(n);
            isDefault.append(n.equals(models.current()));
            arch.append(m.spec().architecture());
            layers.append(m.spec().nLayer());
            devices.append(String.join(", ", m.run().deviceNames()));
            split.append(m.plan().mode().name().toLowerCase(Locale.ROOT));
            ctxLen.append(m.run().contextLength());
            path.append(m.path().toString());
        }
        TableOutput.show(ctx, Table.create("models", name, isDefault, arch, layers, devices, split, ctxLen, path), "models");
    }
}
