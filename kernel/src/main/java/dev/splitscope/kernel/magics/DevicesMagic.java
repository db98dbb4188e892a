package dev.splitscope.kernel.magics;

import dev.splitscope.engine.backend.Backend;
import dev.splitscope.engine.backend.Backends;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** {@code %devices}: the engine's backends and their physical devices, with memory, or why a backend cannot run. */
public final class DevicesMagic extends PicocliMagic<DevicesMagic.Options> {

    @Command(name = "devices", description = "List the backends (cpu, cuda) and their physical devices; with a model loaded, also its devices with the memory planned for weights, KV and compute. CPU devices can be split into any number of virtual devices, e.g. --devices cpu:2.")
    static final class Options {
    }

    @Override
    public String summary() {
        return "backends and physical devices with memory; why a backend is unavailable";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        TableOutput.show(ctx, table(), "devices");
        LoadedModels models = LoadedModels.of(ctx);
        if (models.current() != null) {
            var plan = models.get(null).plan();
            Table t = dev.splitscope.kernel.views.PlanTables.devices(plan)
                    .joinOn("device").inner(dev.splitscope.kernel.views.PlanTables.memory(plan));
            t.setName("devices of " + models.current() + " (planned memory)");
            TableOutput.show(ctx, t, "model_devices");
        }
    }

    /** One row per physical device, or one row per unavailable backend. */
    public static Table table() {
        StringColumn kind = StringColumn.create("kind");
        IntColumn ordinal = IntColumn.create("ordinal");
        BooleanColumn available = BooleanColumn.create("available");
        LongColumn total = LongColumn.create("total_MiB");
        LongColumn free = LongColumn.create("free_MiB");
        StringColumn note = StringColumn.create("note");
        for (Backend b : Backends.all()) {
            if (!b.available()) {
                kind.append(b.kind());
                ordinal.appendMissing();
                available.append(false);
                total.appendMissing();
                free.appendMissing();
                note.append(b.unavailableReason());
                continue;
            }
            for (int i = 0; i < b.deviceCount(); i++) {
                long[] mem = b.memory(i);
                kind.append(b.kind());
                ordinal.append(i);
                available.append(true);
                total.append(mem[0] >> 20);
                free.append(mem[1] >> 20);
                note.append(b.kind().equals("cpu") ? Runtime.getRuntime().availableProcessors() + " cores; split into virtual devices with cpu:N" : "");
            }
        }
        return Table.create("devices", kind, ordinal, available, total, free, note);
    }
}
