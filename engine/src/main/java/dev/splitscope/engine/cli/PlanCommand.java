package dev.splitscope.engine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.plan.DeviceParser;
import dev.splitscope.engine.plan.LinkSpec;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanOptions;
import dev.splitscope.engine.plan.Planner;
import dev.splitscope.engine.plan.Sharding;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.plan.TensorDirectory;
import dev.splitscope.engine.quant.QuantType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code splitscope plan}: plans a preset or a GGUF file (header only, no weights mapped) on real or hypothetical
 * devices and prints the devices, shards or layers, placement, kv, comm tables and the issues, or the plan as JSON.
 * Exits 0 when the plan is usable, 1 when it has errors (does not fit, empty split), 2 on bad input (via {@link Main}).
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan how a model splits over devices: placement, KV cache, memory and communication.")
public final class PlanCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "MODEL.gguf", description = "a GGUF file (only its header is read)")
    Path model;

    @Option(names = "--preset", paramLabel = "NAME", description = "a built-in model shape instead of a file")
    String preset;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "Q4_0", description = "weight type for a preset (default ${DEFAULT-VALUE})")
    String type;

    @Option(names = "--devices", required = true, paramLabel = "LIST",
            description = "e.g. 4x80GiB, 2xH100, H200,H200,24GiB, cpu:2, cpu:2@8GiB, cuda:0,cuda:0")
    String devices;

    @Option(names = "--split", defaultValue = "graph", paramLabel = "MODE", description = "none, layer or graph (default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--tensor-split", paramLabel = "F,F,...", description = "fractions per device (default: by memory)")
    String tensorSplit;

    @Option(names = "--reduce", defaultValue = "f32", paramLabel = "TYPE", description = "f32, f16 or bf16 (default ${DEFAULT-VALUE})")
    String reduce;

    @Option(names = "--ctx", paramLabel = "N", description = "context length (default: min(4096, the model's))")
    Integer ctx;

    @Option(names = "--what-if-ctx", paramLabel = "N", description = "a second context length for the kv table (default: the model's)")
    Integer whatIfCtx;

    @Option(names = "--kv-type", defaultValue = "f16", paramLabel = "TYPE", description = "f32, f16, bf16 or q8_0 (default ${DEFAULT-VALUE})")
    String kvType;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N", description = "tokens per forward step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--link", paramLabel = "NAME", description = "link for the comm estimate: nvlink, pcie, nvlink3, pcie5, host, ... (default: the devices')")
    String link;

    @Option(names = "--allow-empty", description = "accept empty splits (the device idles on that part) instead of failing")
    boolean allowEmpty;

    @Option(names = "--all-layers", description = "show every layer in the placement and kv tables, not only layer 0")
    boolean allLayers;

    @Option(names = "--json", description = "print the plan as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = makePlan();
        if (json) out.println(mapper().writeValueAsString(plan));
        else out.print(new PlanReport(plan, allLayers, whatIfCtx != null ? whatIfCtx : plan.spec().ctxTrain()).render());
        out.flush();
        return plan.ok() ? 0 : Main.EXIT_FAILURE;
    }

    /** Reads the model (preset or GGUF header), parses the devices and options, and plans. */
    Plan makePlan() throws IOException {
        if ((model == null) == (preset == null))
            throw new IllegalArgumentException("give either MODEL.gguf or --preset NAME (known presets: " + String.join(", ", Preset.ids()) + ")");
        ModelSpec ms;
        List<TensorDesc> tensors;
        if (preset != null) {
            ms = Preset.byId(preset).spec;
            tensors = TensorLayout.tensors(ms, quantType(type, "--type"));
        } else {
            if (!Files.isRegularFile(model)) throw new IllegalArgumentException("no such file: " + model);
            if (spec.commandLine().getParseResult().hasMatchedOption("--type"))
                throw new IllegalArgumentException("--type applies to --preset only; a GGUF file has its own types");
            try (GgufFile f = GgufFile.openHeader(model)) {
                TensorDirectory dir = TensorDirectory.fromGguf(f);
                ms = dir.spec();
                tensors = dir.tensors();
            }
        }
        PlanOptions o = new PlanOptions(SplitMode.parse(split), fractions(), quantType(reduce, "--reduce"),
                ctx != null ? ctx : Math.min(4096, ms.ctxTrain()), quantType(kvType, "--kv-type"), batch,
                link == null ? null : LinkSpec.byName(link), allowEmpty);
        return Planner.plan(ms, tensors, DeviceParser.parse(devices), o);
    }

    private double[] fractions() {
        if (tensorSplit == null) return null;
        try {
            return Arrays.stream(tensorSplit.split("[,/]")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad --tensor-split '" + tensorSplit + "': expected numbers such as 0.6,0.4 or 3,1");
        }
    }

    private static QuantType quantType(String s, String option) {
        try {
            return QuantType.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + option + " '" + s + "': expected a GGML type such as "
                    + "F32, F16, BF16, Q8_0, Q4_0, Q4_K");
        }
    }

    /** Jackson with records as objects, shardings as their short names ("Shard(1)", "Partial(0)"). */
    static ObjectMapper mapper() {
        SimpleModule m = new SimpleModule("splitscope-plan");
        m.addSerializer(Sharding.class, new JsonSerializer<>() {
            @Override
            public void serialize(Sharding value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        return new ObjectMapper().registerModule(m).enable(SerializationFeature.INDENT_OUTPUT);
    }
}
