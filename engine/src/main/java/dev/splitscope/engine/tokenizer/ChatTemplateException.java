package dev.splitscope.engine.tokenizer;

/** A chat template could not be rendered; the message names the template and what failed. */
public class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }

    public ChatTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
