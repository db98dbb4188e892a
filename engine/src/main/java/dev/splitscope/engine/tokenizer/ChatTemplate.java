package dev.splitscope.engine.tokenizer;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.splitscope.engine.gguf.GgufMetadata;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders a Hugging Face style chat template ({@code tokenizer.chat_template}) with Jinjava. Templates see
 * {@code messages} (maps with {@code role} and {@code content}), {@code add_generation_prompt},
 * {@code bos_token}, {@code eos_token} and the function {@code raise_exception(msg)}. Blocks are trimmed as in
 * transformers ({@code trim_blocks} and {@code lstrip_blocks}). Any failure raises {@link ChatTemplateException}.
 */
public final class ChatTemplate {
    private static final int MAX_ERRORS_SHOWN = 3;
    private final String name;
    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;

    public ChatTemplate(String name, String source, String bosToken, String eosToken) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.bosToken = bosToken == null ? "" : bosToken;
        this.eosToken = eosToken == null ? "" : eosToken;
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withFailOnUnknownTokens(false)
                .withElResolver(resolver())
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUsePyishObjectMapper(true)
                        .withKeepNullableLoopValues(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .build())
                .build();
        jinjava = new Jinjava(config);
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatTemplate.class, "raiseException", String.class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now",
                ChatTemplate.class, "strftimeNow", String.class));
    }

    private static ELResolver resolver() {
        CompositeELResolver r = new CompositeELResolver();
        r.add(new PythonStringMethods());
        r.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        return r;
    }


    /** The template of a GGUF file, with BOS/EOS texts from its tokenizer; empty if the file has none. */
    public static Optional<ChatTemplate> fromMetadata(GgufMetadata m, Tokenizer tokenizer) {
        if (!m.has("tokenizer.chat_template")) return Optional.empty();
        String bos = tokenizer.bos() >= 0 ? tokenizer.token(tokenizer.bos()) : "";
        String eos = tokenizer.eos() >= 0 ? tokenizer.token(tokenizer.eos()) : "";
        return Optional.of(new ChatTemplate("tokenizer.chat_template of " + m.file(),
                m.getString("tokenizer.chat_template"), bos, eos));
    }

    /** Called by templates as {@code strftime_now('%d %b %Y')} (Llama 3.1+ date lines); Python strftime codes. */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format, Locale.ENGLISH);
    }

    /** Called by templates as {@code raise_exception('...')}; always throws. */
    public static String raiseException(String message) {
        throw new TemplateRaisedException(message);
    }

    public String name() {
        return name;
    }

    public String source() {
        return source;
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, Map.of());
    }

    /** Renders with extra template variables (e.g. {@code tools}, {@code enable_thinking}). */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, ?> extra) {
        Map<String, Object> vars = new HashMap<>(extra);
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (ChatMessage msg : messages) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("role", msg.role());
            mm.put("content", msg.content());
            msgs.add(mm);
        }
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        RenderResult result;
        try {
            result = jinjava.renderForResult(TemplateSource.adapt(source), vars);
        } catch (RuntimeException e) {
            throw failure(describe(e), e);
        }
        List<String> problems = new ArrayList<>();
        for (TemplateError err : result.getErrors()) {
            if (err.getSeverity() != TemplateError.ErrorType.FATAL) continue;
            String raised = raisedMessage(err.getException());
            problems.add(raised != null ? "raise_exception: " + raised
                    : err.getMessage() + (err.getLineno() > 0 ? " (line " + err.getLineno() + ")" : ""));
        }
        if (!problems.isEmpty())
            throw failure(String.join("; ", problems.subList(0, Math.min(MAX_ERRORS_SHOWN, problems.size()))), null);
        return result.getOutput();
    }

    /**
     * Renders and encodes a conversation for a model: control tokens in the text are parsed, and BOS is added
     * only if the tokenizer asks for it and the template did not already write it (no double BOS).
     */
    public int[] encode(Tokenizer tokenizer, List<ChatMessage> messages, boolean addGenerationPrompt) {
        String text = render(messages, addGenerationPrompt);
        boolean templateWroteBos = !bosToken.isEmpty() && text.startsWith(bosToken);
        return tokenizer.encode(text, tokenizer.addsBos() && !templateWroteBos, true);
    }

    private ChatTemplateException failure(String what, Throwable cause) {
        String head = source.length() > 60 ? source.substring(0, 60).replace("\n", "\\n") + "..." : source.replace("\n", "\\n");
        return new ChatTemplateException("cannot render chat template " + name + " ('" + head + "'): " + what, cause);
    }

    private static String describe(Throwable e) {
        String raised = raisedMessage(e);
        return raised != null ? "raise_exception: " + raised : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String raisedMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof TemplateRaisedException r) return r.getMessage();
        return null;
    }

    /** Thrown inside Jinjava by {@code raise_exception}, recognised again when rendering fails. */
    static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }
    }
}
