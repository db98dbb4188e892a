package dev.splitscope.engine.runtime;

import dev.splitscope.engine.tokenizer.TokenDecoder;
import dev.splitscope.engine.tokenizer.Tokenizer;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The generation loop: evaluate the prompt as one batch, then sample, stream and evaluate one token at a time until
 * the token budget, an end-of-generation token, a stop string, or a cancellation from another thread.
 */
public final class Generation {
    private final ModelRun run;
    private final Tokenizer tokenizer;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public Generation(ModelRun run, Tokenizer tokenizer) {
        this.run = run;
        this.tokenizer = tokenizer;
    }

    /** Asks a running generation to stop after the current token; safe from any thread. */
    public void cancel() {
        cancelled.set(true);
    }

    /** Generates from {@code prompt} starting at KV position {@code pos0} (0 for a fresh conversation). */
    public GenerationResult run(String prompt, int pos0, GenerateParams p, TokenListener listener) {
        cancelled.set(false);
        int[] promptIds = tokenizer.encode(prompt, p.addBos(), p.parseSpecial());
        if (promptIds.length == 0) throw new IllegalArgumentException("the prompt is empty: nothing to evaluate");
        if (pos0 + promptIds.length + p.maxTokens() > run.contextLength())
            throw new IllegalArgumentException("prompt (" + promptIds.length + " tokens) + " + p.maxTokens() + " new tokens at position "
                    + pos0 + " exceed the context length " + run.contextLength() + "; use a shorter prompt, fewer tokens or a larger --ctx");
        Sampler sampler = new Sampler(p.sampler());
        for (int id : promptIds) sampler.accept(id);
        long t0 = System.nanoTime();
        int id = next(sampler, promptIds, pos0);
        long promptNanos = System.nanoTime() - t0;

        Stream stream = new Stream(sampler, p, listener);
        int pos = pos0 + promptIds.length;
        long t1 = System.nanoTime();
        if (p.maxTokens() > 0 && stream.take(id)) {
            if (sampler.plainGreedy()) {
                // the winners stay on the devices where they can, one step ahead of this loop
                pos += run.greedyRun(id, pos, p.maxTokens() - 1, stream::take);
            } else {
                do {
                    id = next(sampler, new int[] {id}, pos++);
                } while (stream.take(id));
            }
        }
        return stream.finish(promptIds, promptNanos, System.nanoTime() - t1, pos);
    }

    /** What happens to each new token: the stop checks, the text, the listener. */
    private final class Stream {
        private final Sampler sampler;
        private final GenerateParams p;
        private final TokenListener listener;
        private final TokenDecoder decoder = tokenizer.newDecoder(false);
        private final StringBuilder text = new StringBuilder();
        private final int[] out;
        private int n;
        private String reason = "length";

        Stream(Sampler sampler, GenerateParams p, TokenListener listener) {
            this.sampler = sampler;
            this.p = p;
            this.listener = listener;
            this.out = new int[p.maxTokens()];
        }

        /** Takes a new token; false when generation stops here (the token is kept unless cancelled). */
        boolean take(int id) {
            if (cancelled.get() || Thread.currentThread().isInterrupted()) { reason = "cancelled"; return false; }
            sampler.accept(id);
            out[n++] = id;
            if (tokenizer.isEog(id)) { reason = "eos"; return false; }
            String piece = decoder.push(id);
            text.append(piece);
            listener.onToken(id, piece);
            if (endsWithStop(text, p)) { reason = "stop-string"; return false; }
            return n < p.maxTokens();
        }

        GenerationResult finish(int[] promptIds, long promptNanos, long genNanos, int pos) {
            String rest = decoder.flush();
            if (!rest.isEmpty()) { text.append(rest); listener.onToken(-1, rest); }
            return new GenerationResult(promptIds, java.util.Arrays.copyOf(out, n), text.toString(), reason, promptNanos, genNanos, pos);
        }
    }

    /** Evaluates ids at pos0.. and picks the next token (plain greedy: on the devices, without the logits). */
    private int next(Sampler sampler, int[] ids, int pos0) {
        return sampler.plainGreedy() ? run.forwardGreedy(ids, pos0) : sampler.sample(run.forward(ids, pos0));
    }

    private static boolean endsWithStop(CharSequence text, GenerateParams p) {
        for (String s : p.stop()) if (!s.isEmpty() && text.length() >= s.length() && text.toString().endsWith(s)) return true;
        return false;
    }
}
