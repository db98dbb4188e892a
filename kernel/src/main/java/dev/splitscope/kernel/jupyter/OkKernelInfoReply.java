package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;

import java.util.List;

/** basekernel's kernel_info_reply plus the {@code status: ok} field the protocol requires (basekernel omits it). */
final class OkKernelInfoReply extends KernelInfoReply {
    @SuppressWarnings("unused") // serialised by gson
    private final String status = "ok";

    OkKernelInfoReply(String protocolVersion, String implementation, String version, LanguageInfo info, String banner,
                      List<LanguageInfo.Help> helpLinks) {
        super(protocolVersion, implementation, version, info, banner, helpLinks);
    }
}
