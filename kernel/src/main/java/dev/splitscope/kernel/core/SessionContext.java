package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.Cancellation;
import dev.splitscope.kernel.spi.Magic;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicProvider;
import dev.splitscope.kernel.spi.MimeBundle;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** The {@link MagicContext} of a {@link Session}: streams and displays of the current cell, bindings into JShell. */
public final class SessionContext implements MagicContext {
    private final Session session;
    private final DisplaySink sink;
    private final Supplier<PrintStream> out;
    private final Supplier<PrintStream> err;

    SessionContext(Session session, DisplaySink sink, Supplier<PrintStream> out, Supplier<PrintStream> err) {
        this.session = session;
        this.sink = sink;
        this.out = out;
        this.err = err;
    }

    @Override
    public PrintStream out() {
        return out.get();
    }

    @Override
    public PrintStream err() {
        return err.get();
    }

    @Override
    public void display(MimeBundle bundle) {
        out().flush();
        sink.display(bundle);
    }

    @Override
    public String displayUpdatable(MimeBundle bundle) {
        out().flush();
        String id = UUID.randomUUID().toString();
        sink.display(bundle, id);
        return id;
    }

    @Override
    public void updateDisplay(String displayId, MimeBundle bundle) {
        sink.update(displayId, bundle);
    }

    @Override
    public void show(Object value) {
        display(render(value));
    }

    @Override
    public MimeBundle render(Object value) {
        return session.registry().render(value);
    }

    @Override
    public String bind(String name, Object value, Class<?> type) {
        return session.bind(name, value, type);
    }

    @Override
    public Cancellation cancellation() {
        return session.cancellation();
    }

    @Override
    public Map<String, Object> state() {
        return session.state();
    }

    @Override
    public Map<String, Magic> magics() {
        return session.registry().magics();
    }

    @Override
    public List<MagicProvider> loadPlugin(Path jar) {
        return session.loadPlugin(jar);
    }

    @Override
    public boolean debug() {
        return session.debug();
    }

    @Override
    public void setDebug(boolean on) {
        session.setDebug(on);
    }

    @Override
    public Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }
}
