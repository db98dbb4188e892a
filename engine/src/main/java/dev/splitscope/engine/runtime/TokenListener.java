package dev.splitscope.engine.runtime;

/** Receives each generated token as soon as it is sampled; {@code text} holds only complete UTF-8 (maybe empty). */
@FunctionalInterface
public interface TokenListener {
    void onToken(int id, String text);

    TokenListener NONE = (id, text) -> {};
}
