package dev.splitscope.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/** What the three tokenizer models share: special-token partition, BOS/EOS handling and decoding. */
abstract class BaseTokenizer implements Tokenizer {
    private static final byte[] EMPTY = new byte[0];
    final Vocabulary vocab;

    BaseTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Tokenizes one raw-text piece; {@code afterSpecial} is true at the start and after a special token. */
    abstract void encodeRaw(String text, boolean afterSpecial, IntList out);

    /** The output bytes of a NORMAL token. */
    abstract byte[] normalPiece(int id);

    @Override
    public int[] encode(String text, boolean addSpecial, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        String clean = Unicode.replaceLoneSurrogates(text);
        IntList out = new IntList(clean.length() / 3 + 4);
        if (addSpecial) addPrefix(out);
        boolean afterSpecial = true;
        for (SpecialPartition.Piece p : SpecialPartition.split(vocab, clean, parseSpecial)) {
            if (p.isToken()) {
                out.add(p.token());
                afterSpecial = true;
            } else {
                encodeRaw(clean.substring(p.start(), p.end()), afterSpecial, out);
                afterSpecial = false;
            }
        }
        if (addSpecial) addSuffix(out);
        return out.toArray();
    }

    void addPrefix(IntList out) {
        if (vocab.addBos && vocab.bos >= 0) out.add(vocab.bos);
    }

    void addSuffix(IntList out) {
        if (vocab.addEos && vocab.eos >= 0) out.add(vocab.eos);
    }

    @Override
    public String decode(int[] ids, boolean renderSpecial) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(ids.length * 4);
        boolean boundary = true;
        for (int id : ids) {
            byte[] b = pieceBytes(id, renderSpecial);
            int skip = boundary && stripsLeadingSpace() && b.length > 0 && b[0] == ' ' ? 1 : 0;
            buf.write(b, skip, b.length - skip);
            boundary = vocab.isSpecialType(id);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] pieceBytes(int id, boolean renderSpecial) {
        vocab.check(id);
        return switch (vocab.type(id)) {
            case TokenType.NORMAL -> normalPiece(id);
            case TokenType.CONTROL -> renderSpecial ? vocab.texts[id].getBytes(StandardCharsets.UTF_8) : EMPTY;
            case TokenType.USER_DEFINED, TokenType.UNKNOWN -> vocab.texts[id].getBytes(StandardCharsets.UTF_8);
            case TokenType.BYTE -> bytePiece(id);
            default -> EMPTY;
        };
    }

    /** A BYTE token's byte; only SPM-style vocabularies use them. */
    byte[] bytePiece(int id) {
        int b = Unicode.parseByteToken(vocab.texts[id]);
        return b < 0 ? vocab.texts[id].getBytes(StandardCharsets.UTF_8) : new byte[] {(byte) b};
    }

    @Override
    public boolean stripsLeadingSpace() {
        return vocab.addSpacePrefix;
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public boolean addsBos() {
        return vocab.addBos && vocab.bos >= 0;
    }

    @Override
    public int bos() {
        return vocab.bos;
    }

    @Override
    public int eos() {
        return vocab.eos;
    }

    @Override
    public int eot() {
        return vocab.eot;
    }

    @Override
    public boolean isEog(int id) {
        return id >= 0 && vocab.eog.get(id);
    }

    @Override
    public String token(int id) {
        vocab.check(id);
        return vocab.texts[id];
    }

    @Override
    public int tokenType(int id) {
        vocab.check(id);
        return vocab.type(id);
    }

    @Override
    public String model() {
        return vocab.model;
    }

    /** Whether a token is CONTROL, USER_DEFINED or UNKNOWN (a boundary for the leading-space rule). */
    boolean isSpecialType(int id) {
        return vocab.isSpecialType(id);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + vocab.model + ", " + vocab.size() + " tokens, bos " + vocab.bos
                + ", eos " + vocab.eos + ", eot " + vocab.eot + "]";
    }

    static List<String> supportedModels() {
        return List.of("llama (SPM)", "gpt2 (byte-level BPE)", "bert (WordPiece)");
    }
}
