package dev.splitscope.engine.tokenizer;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Loads llama.cpp's tokenizer test vectors ({@code .inp}/{@code .out} pairs) and the vocabularies they belong to. */
final class VocabVectors {
    static final String SEPARATOR = "\n__ggml_vocab_test__\n";

    record Case(String text, int[] expected) {}

    private VocabVectors() {}

    static Path vocabDir() {
        return TestModels.file("vocab/ggml-vocab-llama-spm.gguf").getParent();
    }

    /** Every vocabulary that has test vectors. */
    static List<Path> filesWithVectors() throws IOException {
        try (Stream<Path> s = Files.list(vocabDir())) {
            return s.filter(p -> p.toString().endsWith(".gguf") && Files.exists(Path.of(p + ".inp")))
                    .sorted().toList();
        }
    }

    private static final java.util.Map<Path, Tokenizer> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /** A tokenizer loaded once per test JVM (the large vocabularies take a moment to load). */
    static Tokenizer cached(Path gguf) throws IOException {
        Tokenizer t = CACHE.get(gguf);
        if (t == null) {
            t = load(gguf);
            CACHE.put(gguf, t);
        }
        return t;
    }

    static Tokenizer cached(String relative) throws IOException {
        return cached(dev.splitscope.engine.TestModels.file(relative));
    }

    static Tokenizer load(Path gguf) throws IOException {
        try (GgufFile f = GgufFile.openHeader(gguf)) {
            return Tokenizers.fromMetadata(f.metadata());
        }
    }

    static List<Case> cases(Path gguf) throws IOException {
        String inp = Files.readString(Path.of(gguf + ".inp"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>(Arrays.asList(inp.split(java.util.regex.Pattern.quote(SEPARATOR), -1)));
        // the file ends with a separator, which leaves one empty piece that is not a test string
        if (!texts.isEmpty() && texts.getLast().isEmpty()) texts.removeLast();
        List<String> lines = Files.readAllLines(Path.of(gguf + ".out"), StandardCharsets.UTF_8);
        if (lines.size() != texts.size())
            throw new IllegalStateException(gguf + ": " + texts.size() + " strings but " + lines.size() + " id lines");
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String l = lines.get(i).trim();
            int[] ids = l.isEmpty() ? new int[0] : Arrays.stream(l.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            cases.add(new Case(texts.get(i), ids));
        }
        return cases;
    }
}
