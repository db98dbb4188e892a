package dev.splitscope.kernel.jupyter;

import dev.splitscope.kernel.core.Session;
import dev.splitscope.kernel.repl.CellException;
import dev.splitscope.kernel.repl.Completion;
import dev.splitscope.kernel.spi.MimeBundle;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.MessageType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Splitscope Jupyter kernel: Java cells through JShell and magics through the plugin SPI. All logic lives in
 * {@link Session}; this class adapts it to basekernel's request handlers.
 */
public final class SplitscopeKernel extends BaseKernel {
    private static final String RED = "\u001b[31m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String RESET = "\u001b[0m";

    private final Session session;
    private final FileHistoryManager history;
    private final LanguageInfo languageInfo;

    public SplitscopeKernel(List<Path> pluginDirs, FileHistoryManager history) {
        super(StandardCharsets.UTF_8);
        this.history = history;
        this.session = new Session(new JupyterDisplaySink(this), () -> System.out, () -> System.err, pluginDirs);
        Runtime.Version v = Runtime.version();
        this.languageInfo = new LanguageInfo.Builder("Java")
                .version(v.feature() + "." + v.interim() + "." + v.update())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("text/x-java")
                .build();
    }

    @Override
    public void becomeHandlerForConnection(JupyterConnection connection) {
        super.becomeHandlerForConnection(connection);
        ProtocolReplies replies = new ProtocolReplies(this);
        connection.setHandler(MessageType.KERNEL_INFO_REQUEST, replies::kernelInfo);
        connection.setHandler(MessageType.HISTORY_REQUEST, replies::history);
        connection.setHandler(MessageType.INTERRUPT_REQUEST, replies::interrupt);
    }

    @Override
    public DisplayData eval(String code) throws Exception {
        int cell = executionCount.get() - 1;
        try {
            Optional<MimeBundle> result = session.execute(code);
            history.record(cell, code, result.map(b -> b.get("text/plain")).orElse(null));
            System.out.flush();
            System.err.flush();
            return result.map(JupyterDisplaySink::toDisplayData).orElse(null);
        } catch (CellException e) {
            history.record(cell, code, null);
            System.out.flush();
            throw e;
        }
    }

    @Override
    public List<String> formatError(Exception e) {
        if (!(e instanceof CellException ce)) return super.formatError(e);
        List<String> lines = new ArrayList<>();
        List<String> tb = ce.traceback();
        for (int i = 0; i < tb.size(); i++) lines.add((i == 0 ? BOLD_RED : RED) + tb.get(i) + RESET);
        return lines;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        Completion c = session.complete(code, at);
        return new ReplacementOptions(c.options(), c.start(), c.end());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return session.inspect(code, at).map(DisplayData::new).orElse(null);
    }

    @Override
    public String isComplete(String code) {
        return switch (session.completeness(code)) {
            case COMPLETE -> IS_COMPLETE_YES;
            case INVALID -> IS_COMPLETE_BAD;
            case INCOMPLETE -> "    ";
        };
    }

    @Override
    public void interrupt() {
        session.interrupt();
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        session.close();
    }

    @Override
    public LanguageInfo getLanguageInfo() {
        return languageInfo;
    }

    @Override
    public String getBanner() {
        return "Splitscope: Java " + Runtime.version().feature() + " (JShell) with magics for GGUF models split across devices. %help to start.";
    }

    @Override
    public HistoryManager getHistoryManager() {
        return history;
    }
}
