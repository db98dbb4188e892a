package dev.splitscope.kernel.magics;

import dev.splitscope.engine.cli.SamplingOptions;
import dev.splitscope.engine.runtime.GenerateParams;
import dev.splitscope.engine.runtime.GenerationResult;
import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.Cancellation;
import dev.splitscope.kernel.spi.CancelledException;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.MimeBundle;
import dev.splitscope.kernel.views.TableView;

import java.util.Locale;

/**
 * Runs a generation and streams it into one display that is updated in place (update_display_data) as tokens
 * arrive, at most every {@link #UPDATE_NANOS}. An interrupt cancels the generation at once; the text so far stays.
 */
final class Streamer {
    static final long UPDATE_NANOS = 50_000_000L;

    private Streamer() {}

    /** The generation parameters of a %%prompt or %%chat, with bad sampling values reported as the magic's error. */
    static GenerateParams params(String magic, SamplingOptions sampling, boolean addBos, boolean parseSpecial) {
        try {
            return sampling.params(addBos, parseSpecial);
        } catch (IllegalArgumentException e) {
            throw new MagicException("%%" + magic + ": bad sampling value: " + e.getMessage() + ".",
                    "Accepted: -n >= 0, --temp >= 0 (0 is greedy), --top-k >= 0, --top-p in (0, 1], --min-p in [0, 1), --repeat-penalty > 0.");
        }
    }

    /** Generates; {@code shownPrefix} is shown in bold before the new text (the prompt, or nothing for chat). */
    static GenerationResult run(MagicContext ctx, String magic, LoadedModel model, String prompt, String shownPrefix, GenerateParams p) {
        StringBuilder text = new StringBuilder();
        String id = ctx.displayUpdatable(bundle(shownPrefix, "", false));
        long[] last = {System.nanoTime()};
        GenerationResult r;
        try (Cancellation.AutoCloseableHook hook = ctx.cancellation().onCancel(model::cancel)) {
            r = model.generate(prompt, p, (tokenId, piece) -> {
                // an interrupt that came before the generation started had no generation to cancel yet
                if (ctx.cancellation().isCancelled()) model.cancel();
                text.append(piece);
                long now = System.nanoTime();
                if (now - last[0] > UPDATE_NANOS) {
                    last[0] = now;
                    ctx.updateDisplay(id, bundle(shownPrefix, text.toString(), false));
                }
            });
        } catch (RuntimeException e) {
            throw ModelErrors.wrap(magic, e);
        }
        ctx.updateDisplay(id, bundle(shownPrefix, r.text(), true));
        ctx.out().printf(Locale.ROOT, "%d prompt tokens, %d new; pp %.1f tok/s, tg %.1f tok/s; stopped by %s%n",
                r.promptIds().length, r.generatedIds().length, r.promptTokensPerSecond(), r.generateTokensPerSecond(), r.stopReason());
        if (r.stopReason().equals("cancelled")) throw new CancelledException();
        return r;
    }

    static MimeBundle bundle(String prefix, String text, boolean done) {
        String html = "<pre style=\"white-space:pre-wrap\"><b>" + TableView.escape(prefix) + "</b>" + TableView.escape(text)
                + (done ? "" : "▌") + "</pre>";
        return MimeBundle.text(prefix + text).html(html);
    }
}
