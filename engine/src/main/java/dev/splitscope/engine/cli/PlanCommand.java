package dev.splitscope.engine.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.Sharding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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

    @Mixin
    PlanArgs args;

    @Option(names = "--all-layers", description = "show every layer in the placement and kv tables, not only layer 0")
    boolean allLayers;

    @Option(names = "--json", description = "print the plan as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = args.plan(model, null);
        if (json) out.println(mapper().writeValueAsString(plan));
        else out.print(new PlanReport(plan, allLayers, args.whatIfCtx(plan)).render());
        out.flush();
        return plan.ok() ? 0 : Main.EXIT_FAILURE;
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
