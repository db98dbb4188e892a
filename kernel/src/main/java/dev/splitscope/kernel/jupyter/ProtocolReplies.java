package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.Header;
import io.github.spencerpark.jupyter.messages.Message;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import io.github.spencerpark.jupyter.messages.request.InterruptRequest;
import io.github.spencerpark.jupyter.messages.request.KernelInfoRequest;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Handlers for kernel_info, interrupt and history requests that answer with {@code status: ok} (basekernel 2.3.0 leaves it out,
 * and clients such as nbclient check it) and that always reply, even to an empty history.
 */
final class ProtocolReplies {
    static final String IMPLEMENTATION = "splitscope";
    static final String VERSION = "0.1.0";

    private final BaseKernel kernel;

    ProtocolReplies(BaseKernel kernel) {
        this.kernel = kernel;
    }

    void kernelInfo(ShellReplyEnvironment env, Message<KernelInfoRequest> request) {
        env.setBusyDeferIdle();
        env.reply(new OkKernelInfoReply(Header.PROTOCOL_VERISON, IMPLEMENTATION, VERSION, kernel.getLanguageInfo(),
                kernel.getBanner(), kernel.getHelpLinks()));
    }

    /** Interrupts the running cell, then replies (as basekernel does, but with the status field). */
    void interrupt(ShellReplyEnvironment env, Message<InterruptRequest> request) {
        env.setBusyDeferIdle();
        env.defer().reply(new OkInterruptReply());
        kernel.interrupt();
    }

    void history(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        HistoryManager manager = kernel.getHistoryManager();
        HistoryRequest request = message.getContent();
        env.setBusyDeferIdle();
        Set<HistoryManager.ResultFlag> flags = EnumSet.noneOf(HistoryManager.ResultFlag.class);
        if (request.includeOutput()) flags.add(HistoryManager.ResultFlag.INCLUDE_OUTPUT);
        if (!request.useRaw()) flags.add(HistoryManager.ResultFlag.TRANSFORMED_INPUT);
        List<HistoryEntry> entries = switch (request.getAccessType()) {
            case TAIL -> manager.lookupTail(((HistoryRequest.Tail) request).getMaxReturnLength(), flags);
            case RANGE -> {
                HistoryRequest.Range r = (HistoryRequest.Range) request;
                yield manager.lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
            }
            case SEARCH -> {
                HistoryRequest.Search s = (HistoryRequest.Search) request;
                if (s.filterUnique()) flags.add(HistoryManager.ResultFlag.UNIQUE);
                yield manager.search(s.getPattern(), s.getMaxReturnLength(), flags);
            }
        };
        env.reply(new OkHistoryReply(entries == null ? List.of() : entries));
    }
}
