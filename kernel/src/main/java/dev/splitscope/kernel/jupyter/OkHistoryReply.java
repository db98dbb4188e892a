package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.ReplyType;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * A history_reply as the protocol defines it: {@code status: ok} and entries as {@code [session, line, input]} or
 * {@code [session, line, [input, output]]} tuples. basekernel's own reply omits the status and, because its entry
 * adapter is not registered for sending, serialises entries as objects.
 */
final class OkHistoryReply implements ContentType<OkHistoryReply>, ReplyType<HistoryRequest> {
    @SuppressWarnings("unchecked")
    private static final MessageType<OkHistoryReply> TYPE = (MessageType<OkHistoryReply>) (MessageType<?>) MessageType.HISTORY_REPLY;

    @SuppressWarnings("unused") // serialised by gson
    private final String status = "ok";
    private final List<List<Object>> history = new ArrayList<>();

    OkHistoryReply(List<HistoryEntry> entries) {
        for (HistoryEntry e : entries) {
            Object io = e.hasOutput() ? List.of(e.getInput(), e.getOutput()) : e.getInput();
            history.add(List.of(e.getSession(), e.getCellNumber(), io));
        }
    }

    @Override
    public MessageType<OkHistoryReply> getType() {
        return TYPE;
    }

    @Override
    public MessageType<HistoryRequest> getRequestType() {
        return MessageType.HISTORY_REQUEST;
    }
}
