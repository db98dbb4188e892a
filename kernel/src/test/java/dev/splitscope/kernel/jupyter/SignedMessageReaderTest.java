package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.request.ExecuteRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Signature and structure checks of incoming messages, without ZeroMQ. */
class SignedMessageReaderTest {
    static final String HEADER = "{\"msg_id\":\"1\",\"username\":\"u\",\"session\":\"s\",\"date\":\"2026-01-01T00:00:00.000000Z\","
            + "\"msg_type\":\"execute_request\",\"version\":\"5.3\"}";
    static final String CONTENT = "{\"code\":\"1+1\",\"silent\":false,\"store_history\":true,\"user_expressions\":{},"
            + "\"allow_stdin\":false,\"stop_on_error\":true}";

    static List<byte[]> frames(HMACGenerator signer, String content) {
        byte[][] parts = {HEADER.getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8),
                "{}".getBytes(StandardCharsets.UTF_8), content.getBytes(StandardCharsets.UTF_8)};
        List<byte[]> f = new ArrayList<>();
        f.add("client-id".getBytes(StandardCharsets.UTF_8));
        f.add("<IDS|MSG>".getBytes(StandardCharsets.US_ASCII));
        f.add(signer.calculateSignature(parts).getBytes(StandardCharsets.US_ASCII));
        f.addAll(List.of(parts));
        return f;
    }

    @Test
    void correctlySignedMessageParses() throws Exception {
        HMACGenerator key = new HMACGenerator("hmac-sha256", "secret");
        Message<?> m = new SignedMessageReader(key).parse(frames(key, CONTENT));
        assertEquals(MessageType.EXECUTE_REQUEST, m.getHeader().getType());
        assertEquals("1+1", ((ExecuteRequest) m.getContent()).getCode());
        assertEquals(1, m.getIdentities().size());
    }

    @Test
    void wrongKeyOrTamperedContentIsRejected() throws Exception {
        HMACGenerator key = new HMACGenerator("hmac-sha256", "secret");
        HMACGenerator other = new HMACGenerator("hmac-sha256", "not-the-secret");
        SignedMessageReader reader = new SignedMessageReader(key);
        assertThrows(SecurityException.class, () -> reader.parse(frames(other, CONTENT)));
        List<byte[]> tampered = frames(key, CONTENT);
        tampered.set(6, CONTENT.replace("1+1", "2+2").getBytes(StandardCharsets.UTF_8));
        assertThrows(SecurityException.class, () -> reader.parse(tampered));
    }

    @Test
    void truncatedMessagesAreMalformed() throws Exception {
        HMACGenerator key = new HMACGenerator("hmac-sha256", "secret");
        List<byte[]> f = frames(key, CONTENT);
        SignedMessageReader reader = new SignedMessageReader(key);
        assertThrows(IllegalArgumentException.class, () -> reader.parse(f.subList(0, 5)));
        assertThrows(IllegalArgumentException.class, () -> reader.parse(List.of("no delimiter".getBytes())));
    }
}
