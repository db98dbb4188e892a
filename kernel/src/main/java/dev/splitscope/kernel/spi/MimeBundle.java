package dev.splitscope.kernel.spi;

import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Jupyter MIME bundle: MIME type to content (text for text types, base64 for images). Insertion order is kept,
 * and {@code text/plain} should always be present so every front end can show something.
 */
public final class MimeBundle {
    private final Map<String, String> data = new LinkedHashMap<>();

    public static MimeBundle text(String text) {
        return new MimeBundle().put("text/plain", text);
    }

    public MimeBundle put(String mimeType, String content) {
        data.put(mimeType, content);
        return this;
    }

    public MimeBundle html(String html) {
        return put("text/html", html);
    }

    public MimeBundle svg(String svg) {
        return put("image/svg+xml", svg);
    }

    public MimeBundle png(byte[] png) {
        return put("image/png", Base64.getEncoder().encodeToString(png));
    }

    public String get(String mimeType) {
        return data.get(mimeType);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(data);
    }

    @Override
    public String toString() {
        return "MimeBundle" + data.keySet();
    }
}
