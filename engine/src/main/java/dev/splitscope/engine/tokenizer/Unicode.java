package dev.splitscope.engine.tokenizer;

/** Small text helpers shared by the tokenizers: surrogate clean-up, byte tokens and UTF-8 lengths. */
final class Unicode {
    private Unicode() {}

    /** Replaces unpaired surrogates with U+FFFD, so that the text has a well-defined UTF-8 form. */
    static String replaceLoneSurrogates(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean lone;
            if (Character.isHighSurrogate(c)) {
                lone = i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
                if (!lone) { if (sb != null) sb.append(c).append(s.charAt(i + 1)); i++; continue; }
            } else {
                lone = Character.isLowSurrogate(c);
            }
            if (lone && sb == null) sb = new StringBuilder(s.length()).append(s, 0, i);
            if (sb != null) sb.append(lone ? '\uFFFD' : c);
        }
        return sb == null ? s : sb.toString();
    }

    /** The byte of an SPM byte token such as {@code <0x0A>}, or -1 if the text is not one. */
    static int parseByteToken(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
        int hi = Character.digit(t.charAt(3), 16), lo = Character.digit(t.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    /** The length of the UTF-8 sequence that a lead byte starts; 1 for continuation or invalid bytes. */
    static int utf8SequenceLength(int lead) {
        int b = lead & 0xff;
        if (b < 0x80) return 1;
        if (b >= 0xF0 && b <= 0xF7) return 4;
        if (b >= 0xE0) return b <= 0xEF ? 3 : 1;
        if (b >= 0xC0) return 2;
        return 1;
    }

    /** Unicode White_Space, the set llama.cpp's tokenizers treat as whitespace. */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 9 && cp <= 13) || cp == ' ' || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }
}
