package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.messages.ContentType;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.ReplyType;
import io.github.spencerpark.jupyter.messages.request.InterruptRequest;

/** An interrupt_reply with {@code status: ok}, as the protocol defines it; basekernel 2.3.0 sends empty content. */
final class OkInterruptReply implements ContentType<OkInterruptReply>, ReplyType<InterruptRequest> {
    @SuppressWarnings("unchecked")
    private static final MessageType<OkInterruptReply> TYPE = (MessageType<OkInterruptReply>) (MessageType<?>) MessageType.INTERRUPT_REPLY;

    @SuppressWarnings("unused") // serialised by gson
    private final String status = "ok";

    @Override
    public MessageType<OkInterruptReply> getType() {
        return TYPE;
    }

    @Override
    public MessageType<InterruptRequest> getRequestType() {
        return MessageType.INTERRUPT_REQUEST;
    }
}
