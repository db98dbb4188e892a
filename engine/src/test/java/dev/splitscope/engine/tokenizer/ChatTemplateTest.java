package dev.splitscope.engine.tokenizer;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real chat templates (ChatML/Qwen, Llama 3, Phi-3 from its GGUF) rendered with Jinjava, and their failures. */
class ChatTemplateTest {
    // Qwen2.5-style ChatML, with its default system prompt when none is given
    private static final String CHATML = """
            {%- if messages[0]['role'] == 'system' %}
                {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
            {%- else %}
                {{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}
            {%- endif %}
            {%- for message in messages %}
                {%- if not (message.role == 'system' and loop.first) %}
                    {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\\n' }}
            {%- endif %}
            """;

    // Meta Llama 3 Instruct's template
    private static final String LLAMA3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}"
            + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    private static final String NO_SYSTEM = "{% for m in messages %}{% if m['role'] == 'system' %}"
            + "{{ raise_exception('System role not supported') }}{% endif %}[{{ m['role'] }}] {{ m['content'] }}\n{% endfor %}";

    @Test
    void chatMlWithDefaultSystemPrompt() {
        ChatTemplate t = new ChatTemplate("chatml", CHATML, "", "<|im_end|>");
        String out = t.render(List.of(ChatMessage.user("Hi there")), true);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi there<|im_end|>\n<|im_start|>assistant\n", out);
        String withSystem = t.render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), false);
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n", withSystem);
    }

    @Test
    void chatMlRendersToSpecialTokens() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-qwen2-rebuilt.gguf");
        String prompt = new ChatTemplate("chatml", CHATML, "", "<|im_end|>").render(List.of(ChatMessage.user("Hi")), true);
        int[] ids = tok.encode(prompt, true, true);
        assertEquals(151644, ids[0]);
        assertEquals(3, java.util.Arrays.stream(ids).filter(id -> id == 151644).count(), "<|im_start|> tokens");
        assertEquals(2, java.util.Arrays.stream(ids).filter(id -> id == 151645).count(), "<|im_end|> tokens");
        assertEquals(prompt, tok.decode(ids, true));
    }

    @Test
    void llama3TrimsContentAndAddsBos() {
        ChatTemplate t = new ChatTemplate("llama3", LLAMA3, "<|begin_of_text|>", "<|eot_id|>");
        String out = t.render(List.of(ChatMessage.system("Be kind."), ChatMessage.user("  Hello!\n")), true);
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe kind.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello!<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", out);
    }

    @Test
    void phi3TemplateFromGguf() throws Exception {
        try (GgufFile f = GgufFile.openHeader(TestModels.file("vocab/ggml-vocab-phi-3.gguf"))) {
            Tokenizer tok = Tokenizers.fromMetadata(f.metadata());
            ChatTemplate t = ChatTemplate.fromMetadata(f.metadata(), tok).orElseThrow();
            String out = t.render(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello."), ChatMessage.user("Bye")), true);
            assertTrue(out.startsWith("<s><|user|>\nHi<|end|>\n<|assistant|>\n"), out);
            assertTrue(out.contains("Hello.<|end|>\n"), out);
            assertTrue(out.endsWith("<|user|>\nBye<|end|>\n<|assistant|>\n"), out);
        }
    }

    @Test
    void raiseExceptionGivesClearError() {
        ChatTemplate t = new ChatTemplate("no-system", NO_SYSTEM, "", "");
        assertEquals("[user] hi\n", t.render(List.of(ChatMessage.user("hi")), false));
        ChatTemplateException e = assertThrows(ChatTemplateException.class,
                () -> t.render(List.of(ChatMessage.system("x"), ChatMessage.user("hi")), false));
        assertTrue(e.getMessage().contains("no-system") && e.getMessage().contains("System role not supported"), e.getMessage());
    }

    @Test
    void brokenTemplateNamesTemplateAndProblem() {
        ChatTemplate t = new ChatTemplate("broken", "{% for m in messages %}{{ m.content }}", "", "");
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> t.render(List.of(ChatMessage.user("a")), false));
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("for"), e.getMessage());
    }

    @Test
    void fileWithoutTemplateHasNone() throws Exception {
        try (GgufFile f = GgufFile.openHeader(TestModels.file("stories260K.gguf"))) {
            assertTrue(ChatTemplate.fromMetadata(f.metadata(), Tokenizers.fromMetadata(f.metadata())).isEmpty());
        }
    }
}
