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

    // Qwen3's template without the tool-calling branches: reversed iteration, namespace, Python string methods
    private static final String QWEN3 = """
            {%- if messages[0].role == 'system' %}
                {{- '<|im_start|>system\n' + messages[0].content + '<|im_end|>\n' }}
            {%- endif %}
            {%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}
            {%- for message in messages[::-1] %}
                {%- set index = (messages|length - 1) - loop.index0 %}
                {%- if ns.multi_step_tool and message.role == "user" and message.content is string and not(message.content.startswith('<tool_response>') and message.content.endswith('</tool_response>')) %}
                    {%- set ns.multi_step_tool = false %}
                    {%- set ns.last_query_index = index %}
                {%- endif %}
            {%- endfor %}
            {%- for message in messages %}
                {%- if message.content is string %}
                    {%- set content = message.content %}
                {%- else %}
                    {%- set content = '' %}
                {%- endif %}
                {%- if (message.role == "user") or (message.role == "system" and not loop.first) %}
                    {{- '<|im_start|>' + message.role + '\n' + content + '<|im_end|>' + '\n' }}
                {%- elif message.role == "assistant" %}
                    {%- set reasoning_content = '' %}
                    {%- if '</think>' in content %}
                        {%- set reasoning_content = content.split('</think>')[0].rstrip('\n').split('<think>')[-1].lstrip('\n') %}
                        {%- set content = content.split('</think>')[-1].lstrip('\n') %}
                    {%- endif %}
                    {%- if loop.index0 > ns.last_query_index %}
                        {{- '<|im_start|>' + message.role + '\n<think>\n' + reasoning_content.strip('\n') + '\n</think>\n\n' + content.lstrip('\n') }}
                    {%- else %}
                        {{- '<|im_start|>' + message.role + '\n' + content }}
                    {%- endif %}
                    {{- '<|im_end|>\n' }}
                {%- endif %}
            {%- endfor %}
            {%- if add_generation_prompt %}
                {{- '<|im_start|>assistant\n' }}
                {%- if enable_thinking is defined and enable_thinking is false %}
                    {{- '<think>\n\n</think>\n\n' }}
                {%- endif %}
            {%- endif %}
            """;

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
    void qwen3DropsPastReasoningAndCanDisableThinking() {
        ChatTemplate t = new ChatTemplate("qwen3", QWEN3, "", "<|im_end|>");
        List<ChatMessage> chat = List.of(ChatMessage.user("What is 2+2?"),
                ChatMessage.assistant("<think>\nadd\n</think>\n\n4"), ChatMessage.user("And 3+3?"));
        String out = t.render(chat, true, java.util.Map.of("enable_thinking", false));
        assertEquals("<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>\n"
                + "<|im_start|>user\nAnd 3+3?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n", out);
        assertTrue(t.render(chat, true).endsWith("<|im_start|>assistant\n"), "thinking stays on by default");
    }

    @Test
    void sourceAdaptationKeepsMeaning() {
        assertEquals("{% set ns = namespace(a=(xs|length - 1), b=('x,=)'), c=(f(1, 2))) %}{% for x in xs|reverse %}",
                TemplateSource.adapt("{% set ns = namespace(a=xs|length - 1, b='x,=)', c=f(1, 2)) %}{% for x in xs[::-1] %}"));
        assertEquals("{{ namespace(x == 1) }}", TemplateSource.adapt("{{ namespace(x == 1) }}"));
    }

    @Test
    void strftimeNowIsAvailable() {
        String out = new ChatTemplate("date", "{{ strftime_now('%Y') }}", "", "").render(List.of(), false);
        assertEquals(String.valueOf(java.time.Year.now().getValue()), out);
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
            // the template writes <s> itself, so encoding adds no second BOS
            int[] ids = t.encode(tok, List.of(ChatMessage.user("Hi")), true);
            assertEquals(tok.bos(), ids[0]);
            assertTrue(ids[1] != tok.bos(), "no double BOS");
            assertEquals(32010, ids[1], "<|user|> parsed as its control token");
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
