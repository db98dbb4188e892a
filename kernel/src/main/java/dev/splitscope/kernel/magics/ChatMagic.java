package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.GenerationResult;
import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.engine.tokenizer.ChatMessage;
import dev.splitscope.engine.tokenizer.ChatTemplate;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import dev.splitscope.engine.cli.SamplingOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code %%chat}: one user turn of a conversation, rendered with the model's own chat template
 * ({@code tokenizer.chat_template}); the reply streams into the cell and the conversation is kept per model.
 */
public final class ChatMagic extends PicocliMagic<ChatMagic.Options> {

    @Command(name = "chat", description = "Send the cell body as a user message, formatted with the model's chat template; the reply streams into the cell. The conversation is kept per model until --reset.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();

        @Option(names = "--system", paramLabel = "TEXT", description = "Set the system message (starts a new conversation).")
        String system;

        @Option(names = "--reset", description = "Forget the conversation first.")
        boolean reset;

        @Mixin
        SamplingOptions sampling = new SamplingOptions();
    }

    @Override
    public String summary() {
        return "(cell) one chat turn with the model's chat template; --system, --reset";
    }

    @Override
    public boolean acceptsBody() {
        return true;
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void execute(MagicContext ctx, Options o, String body) {
        Streamer.params("chat", o.sampling, true, true); // bad sampling values are reported before anything else
        LoadedModels models = LoadedModels.of(ctx);
        LoadedModel m = models.get(o.model.name);
        String key = "splitscope.chat." + models.nameOf(o.model.name);
        List<ChatMessage> conversation = (List<ChatMessage>) ctx.state().computeIfAbsent(key, k -> new ArrayList<ChatMessage>());
        if (o.reset || o.system != null) conversation.clear();
        if (o.system != null) conversation.add(new ChatMessage("system", o.system));
        String user = body == null ? "" : body.strip();
        if (user.isEmpty()) {
            ctx.out().println("conversation " + (o.reset || o.system != null ? "reset" : "unchanged") + "; write the user message in the cell body under %%chat");
            return;
        }
        ChatTemplate template = ChatTemplate.fromMetadata(m.file().metadata(), m.tokenizer()).orElseThrow(() -> new MagicException(
                "the model " + m.name() + " has no chat template (tokenizer.chat_template is missing).",
                "Use %%prompt for plain completion, or load an instruction-tuned GGUF."));
        List<ChatMessage> turn = new ArrayList<>(conversation);
        turn.add(new ChatMessage("user", user));
        String prompt;
        try {
            prompt = template.render(turn, true);
        } catch (RuntimeException e) {
            throw ModelErrors.wrap("chat", e);
        }
        String bos = m.tokenizer().bos() >= 0 ? m.tokenizer().token(m.tokenizer().bos()) : "";
        boolean addBos = bos.isEmpty() || !prompt.startsWith(bos);
        GenerationResult r = Streamer.run(ctx, "chat", m, prompt, "", Streamer.params("chat", o.sampling, addBos, true));
        conversation.add(new ChatMessage("user", user));
        conversation.add(new ChatMessage("assistant", r.text().strip()));
        ctx.bind("conversation", List.copyOf(conversation), List.class);
    }
}
