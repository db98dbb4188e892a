package dev.splitscope.engine.cli;

import dev.splitscope.engine.runtime.GenerateParams;
import dev.splitscope.engine.runtime.GenerationResult;
import dev.splitscope.engine.runtime.LoadProgress;
import dev.splitscope.engine.runtime.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code splitscope generate}: streams a completion to stdout, then prints prompt and generation speeds. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate text from a prompt, streaming tokens.")
public final class GenerateCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, description = "GGUF model file")
    Path model;

    @Option(names = {"-p", "--prompt"}, required = true, description = "Prompt text")
    String prompt;

    @Mixin
    SamplingOptions sampling;

    @Option(names = "--timings", description = "Print the per-split timing table of the last step")
    boolean timings;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        GenerateParams params = sampling.params(true, false);
        try (LoadedModel m = LoadedModel.load(model, run.toLoadOptions(params.maxTokens() + 64), LoadProgress.NONE)) {
            out.print(prompt);
            GenerationResult r;
            try {
                r = m.generate(prompt, params, (id, text) -> {
                    out.print(text);
                    out.flush();
                });
            } finally {
                out.println();  // ends the streamed line, also before an error's message
                out.flush();
            }
            err.printf("prompt: %d tokens in %.1f ms (%.1f t/s) | generation: %d tokens in %.1f ms (%.1f t/s) | stop: %s | devices: %s, split %s%n",
                    r.promptIds().length, r.promptNanos() / 1e6, r.promptTokensPerSecond(),
                    r.generatedIds().length, r.generateNanos() / 1e6, r.generateTokensPerSecond(), r.stopReason(),
                    String.join(",", m.run().deviceNames()), m.plan().mode().name().toLowerCase());
            if (timings) err.print(TimingText.render(m.run()));
            err.flush();
        }
        return 0;
    }
}
