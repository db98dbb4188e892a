package dev.splitscope.engine.tokenizer;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Streaming decode: characters split over byte tokens come out whole, and only once complete. */
class TokenDecoderTest {

    @Test
    void splitCharacterWaitsForItsLastByte() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-llama-spm.gguf");
        int[] ids = tok.encode("a😀", false, false);
        TokenDecoder d = tok.newDecoder(false).startAfter(-1);
        StringBuilder trace = new StringBuilder();
        for (int id : ids) trace.append('[').append(d.push(id)).append(']');
        assertEquals("[a][][][][😀]", trace.toString(), "ids " + java.util.Arrays.toString(ids));
        assertEquals("", d.flush());
    }

    @Test
    void byteLevelBpePiecesStream() throws Exception {
        Tokenizer tok = VocabVectors.cached("vocab/ggml-vocab-gpt-2.gguf");
        String text = "naïve 日本語 🦙!";
        StringBuilder sb = new StringBuilder();
        TokenDecoder d = tok.newDecoder(false);
        for (int id : tok.encode(text, false, false)) {
            String s = d.push(id);
            assertEquals(-1, s.indexOf('\uFFFD'), "no replacement characters while streaming valid text");
            sb.append(s);
        }
        sb.append(d.flush());
        assertEquals(text, sb.toString());
    }

    @Test
    void newDecoderContinuesAPrompt() throws Exception {
        Tokenizer tok = VocabVectors.cached("stories260K.gguf");
        int[] prompt = tok.encode("Once upon", true, false);
        int[] next = tok.encode("Once upon a time", true, false);
        int[] generated = java.util.Arrays.copyOfRange(next, prompt.length, next.length);
        TokenDecoder d = tok.newDecoder(false);
        StringBuilder sb = new StringBuilder();
        for (int id : generated) sb.append(d.push(id));
        assertEquals(" a time", sb.append(d.flush()).toString(), "the first generated token keeps its space");
        TokenDecoder fromStart = tok.newDecoder(false).startAfter(-1);
        sb.setLength(0);
        for (int id : next) sb.append(fromStart.push(id));
        assertEquals("Once upon a time", sb.toString());
    }

    @Test
    void completePrefixHoldsOnlyTruncatedValidSequences() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        assertEquals(0, TokenDecoder.completePrefix(euro, 1));
        assertEquals(0, TokenDecoder.completePrefix(euro, 2));
        assertEquals(3, TokenDecoder.completePrefix(euro, 3));
        byte[] bad = {'x', (byte) 0x82};         // stray continuation: emit at once
        assertEquals(2, TokenDecoder.completePrefix(bad, 2));
        byte[] overlong = {(byte) 0xC0};           // can never complete
        assertEquals(1, TokenDecoder.completePrefix(overlong, 1));
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0};
        assertEquals(2, TokenDecoder.completePrefix(surrogate, 2));
        byte[] held = {'a', (byte) 0xF0, (byte) 0x9F};
        assertEquals(1, TokenDecoder.completePrefix(held, 3));
    }
}
