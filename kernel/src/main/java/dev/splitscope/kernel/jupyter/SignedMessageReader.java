package dev.splitscope.kernel.jupyter;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import io.github.spencerpark.jupyter.kernel.ExpressionValue;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.KernelTimestamp;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.ReplyType;
import io.github.spencerpark.jupyter.messages.adapters.ExpressionValueAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HeaderAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryEntryAdapter;
import io.github.spencerpark.jupyter.messages.adapters.HistoryRequestAdapter;
import io.github.spencerpark.jupyter.messages.adapters.KernelTimestampAdapter;
import io.github.spencerpark.jupyter.messages.adapters.MessageTypeAdapter;
import io.github.spencerpark.jupyter.messages.adapters.PublishStatusAdapter;
import io.github.spencerpark.jupyter.messages.adapters.ReplyTypeAdapter;
import io.github.spencerpark.jupyter.messages.publish.PublishStatus;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Checks and parses one complete multipart Jupyter message, frames already read. Unlike basekernel's reader it
 * compares the HMAC in constant time, and it rejects a message with missing frames instead of reading into the next
 * message.
 */
final class SignedMessageReader {
    private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private static final Type MAP = new TypeToken<Map<String, Object>>() {}.getType();

    private final HMACGenerator hmac;
    private final Gson gson;

    SignedMessageReader(HMACGenerator hmac) {
        this.hmac = hmac;
        Gson replies = new GsonBuilder()
                .registerTypeAdapter(HistoryEntry.class, HistoryEntryAdapter.INSTANCE)
                .registerTypeAdapter(ExpressionValue.class, ExpressionValueAdapter.INSTANCE)
                .create();
        this.gson = new GsonBuilder()
                .registerTypeAdapter(KernelTimestamp.class, KernelTimestampAdapter.INSTANCE)
                .registerTypeAdapter(Header.class, HeaderAdapter.INSTANCE)
                .registerTypeAdapter(MessageType.class, MessageTypeAdapter.INSTANCE)
                .registerTypeAdapter(PublishStatus.class, PublishStatusAdapter.INSTANCE)
                .registerTypeAdapter(HistoryRequest.class, HistoryRequestAdapter.INSTANCE)
                .registerTypeHierarchyAdapter(ReplyType.class, new ReplyTypeAdapter(replies))
                .create();
    }

    /**
     * @throws SecurityException        when the signature does not match the connection key
     * @throws IllegalArgumentException when the frames do not form a Jupyter message
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    Message<?> parse(List<byte[]> frames) {
        int d = 0;
        while (d < frames.size() && !Arrays.equals(DELIMITER, frames.get(d))) d++;
        if (d == frames.size() || frames.size() < d + 6)
            throw new IllegalArgumentException("a message with " + frames.size() + " frames and no complete <IDS|MSG> section");
        byte[] signature = frames.get(d + 1);
        byte[] header = frames.get(d + 2), parent = frames.get(d + 3), metadata = frames.get(d + 4), content = frames.get(d + 5);
        String expected = hmac.calculateSignature(header, parent, metadata, content);
        if (expected != null && !MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature))
            throw new SecurityException("invalid message signature");
        Header<?> h = gson.fromJson(new String(header, StandardCharsets.UTF_8), Header.class);
        if (h == null || h.getType() == null) throw new IllegalArgumentException("a message without a header type");
        JsonElement p = JsonParser.parseString(new String(parent, StandardCharsets.UTF_8));
        Header<?> parentHeader = p.isJsonObject() && !p.getAsJsonObject().isEmpty() ? gson.fromJson(p, Header.class) : null;
        Map<String, Object> meta = gson.fromJson(new String(metadata, StandardCharsets.UTF_8), MAP);
        Object body = gson.fromJson(new String(content, StandardCharsets.UTF_8), h.getType().getContentType());
        List<byte[]> identities = new ArrayList<>(frames.subList(0, d));
        List<byte[]> blobs = new ArrayList<>(frames.subList(d + 6, frames.size()));
        return new Message(identities, h, parentHeader, meta, body, blobs);
    }
}
