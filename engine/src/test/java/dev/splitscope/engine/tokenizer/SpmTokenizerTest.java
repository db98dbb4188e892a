package dev.splitscope.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.splitscope.engine.TestModels;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** stories260K's own 512-token SPM vocabulary against llama.cpp's golden prompt ids and text. */
class SpmTokenizerTest {

    private static JsonNode golden(String model) throws IOException {
        return new ObjectMapper().readTree(TestModels.file("golden/greedy-once-upon-a-time.json").toFile()).get(model);
    }

    private static int[] ids(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }

    @Test
    void promptIdsMatchLlamaCppWithBos() throws IOException {
        for (String model : new String[] {"stories260K.gguf", "llama-2-tiny-random.gguf"}) {
            JsonNode g = golden(model);
            Tokenizer tok = VocabVectors.cached(model);
            assertEquals("llama", tok.model());
            int[] got = tok.encode(g.get("prompt").asText(), true, false);
            assertArrayEquals(ids(g.get("prompt_ids")), got, model + " prompt ids");
            assertEquals(1, tok.bos());
            assertTrue(tok.addsBos());
            assertEquals(2, tok.eos());
            assertTrue(tok.isEog(2));
            assertFalse(tok.isEog(1));
        }
    }

    @Test
    void greedyIdsDecodeToLlamaCppText() throws IOException {
        JsonNode g = golden("stories260K.gguf");
        Tokenizer tok = VocabVectors.cached("stories260K.gguf");
        int[] prompt = ids(g.get("prompt_ids"));
        int[] gen = ids(g.get("greedy_ids"));
        int[] all = new int[prompt.length + gen.length];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(gen, 0, all, prompt.length, gen.length);
        String numpy = g.get("numpy_text").asText();
        assertTrue(numpy.startsWith("<s> "));
        assertEquals(numpy.substring(4), tok.decode(all));

        // streaming the generated ids after the prompt gives the continuation with its leading space
        TokenDecoder d = tok.newDecoder(false).startAfter(prompt[prompt.length - 1]);
        StringBuilder sb = new StringBuilder();
        for (int id : gen) sb.append(d.push(id));
        sb.append(d.flush());
        assertEquals(numpy.substring(4 + g.get("prompt").asText().length()), sb.toString());
    }

    @Test
    void spaceRulesAndByteFallback() throws IOException {
        Tokenizer tok = VocabVectors.cached("stories260K.gguf");
        // add_space_prefix: "Once" and " Once" differ by one escaped space
        int[] a = tok.encode("Once", false, false);
        int[] b = tok.encode(" Once", false, false);
        assertEquals("▁Once", tok.token(a[0]));
        assertTrue(b.length > a.length);
        // characters outside the 512-token vocabulary fall back to <0xXX> byte tokens
        int[] emoji = tok.encode("😀", false, false);
        assertEquals("▁", tok.token(emoji[0]));
        assertEquals(5, emoji.length);
        for (int i = 1; i < 5; i++) assertEquals(TokenType.BYTE, tok.tokenType(emoji[i]));
        assertEquals("<0xF0>", tok.token(emoji[1]));
        assertEquals("😀", tok.decode(emoji));
        assertEquals("a  b\n\tc", tok.decode(tok.encode("a  b\n\tc", true, false)));
        assertArrayEquals(new int[0], tok.encode("", false, false));
        assertArrayEquals(new int[] {1}, tok.encode("", true, false));
    }

    @Test
    void controlTokensAreParsedOnlyWhenAsked() throws IOException {
        Tokenizer tok = VocabVectors.cached("stories260K.gguf");
        int[] parsed = tok.encode("<s>Once", false, true);
        assertEquals(1, parsed[0]);
        assertEquals("▁Once", tok.token(parsed[1]), "raw text after a special token gets the space prefix again");
        int[] literal = tok.encode("<s>Once", false, false);
        assertTrue(java.util.Arrays.stream(literal).noneMatch(id -> id == 1));
        assertEquals("<s>Once", tok.decode(parsed, true));
        assertEquals("Once", tok.decode(parsed, false));
    }
}
