package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.GenerateParams;
import dev.splitscope.engine.runtime.GenerationResult;
import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import dev.splitscope.engine.cli.SamplingOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code %%prompt}: completes the cell body with the loaded model, streaming tokens into the cell; interruptible. */
public final class PromptMagic extends PicocliMagic<PromptMagic.Options> {

    @Command(name = "prompt", description = "Complete the text in the cell body with a loaded model, streaming the tokens into the output. The stop button interrupts it; the text so far stays.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();

        @Option(names = "--special", description = "Recognise special tokens written in the prompt, e.g. <|im_start|>.")
        boolean special;

        @Mixin
        SamplingOptions sampling = new SamplingOptions();
    }

    @Override
    public String summary() {
        return "(cell) complete the cell body, streaming tokens; -n N, --temp T, --model NAME";
    }

    @Override
    public boolean acceptsBody() {
        return true;
    }

    @Override
    public boolean acceptsLine() {
        return false;
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        String prompt = body == null ? "" : body.strip();
        if (prompt.isEmpty())
            throw new MagicException("%%prompt needs a prompt: the cell body is empty.", "Write the text to complete below the %%prompt line.");
        GenerateParams params = Streamer.params("prompt", o.sampling, true, o.special);
        LoadedModel m = o.model.of(ctx);
        GenerationResult r = Streamer.run(ctx, "prompt", m, prompt, prompt, params);
        ctx.bind("generation", r, GenerationResult.class);
    }
}
