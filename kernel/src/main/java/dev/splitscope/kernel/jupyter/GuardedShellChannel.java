package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.Loop;
import io.github.spencerpark.jupyter.channels.ShellChannel;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import io.github.spencerpark.jupyter.messages.Message;
import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A shell or control channel that survives bad messages. basekernel's own loop dies on the first message with a
 * wrong HMAC signature (its SecurityException escapes the loop thread), which would let anyone who can reach the
 * port silence the kernel; here such a message is logged and dropped, and the loop keeps serving. Messages are read
 * whole and checked by {@link SignedMessageReader} (constant-time HMAC comparison).
 */
final class GuardedShellChannel extends ShellChannel {
    private static final Logger LOG = Logger.getLogger(GuardedShellChannel.class.getName());
    private static final long POLL_MS = 20;

    /** More frames than any real request has; a flood of frames is dropped rather than buffered. */
    private static final int MAX_FRAMES = 1024;

    private final boolean control;
    private final JupyterConnection connection;
    private final SignedMessageReader reader;
    private volatile Loop loop;
    private volatile boolean closing;

    GuardedShellChannel(ZMQ.Context ctx, HMACGenerator hmac, boolean control, JupyterConnection connection) {
        super(ctx, hmac, control, connection);
        this.control = control;
        this.connection = connection;
        this.reader = new SignedMessageReader(hmac);
    }

    @Override
    public void bind(KernelConnectionProperties props) {
        if (loop != null) throw new IllegalStateException((control ? "control" : "shell") + " channel already bound");
        int port = control ? props.getControlPort() : props.getShellPort();
        bind(props.getTransport() + "://" + props.getIp() + ":" + port);
        ZMQ.Poller poller = ctx.poller(1);
        poller.register(this, ZMQ.Poller.POLLIN);
        loop = new Loop(control ? "splitscope-control" : "splitscope-shell", () -> {
            if (poller.poll(POLL_MS) > 0) serveOne();
            return 0L;
        });
        loop.onError(t -> {
            if (closing) return -1L;
            LOG.log(Level.WARNING, "the " + (control ? "control" : "shell") + " loop hit an error; continuing", t);
            return 10L;
        });
        loop.start();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void serveOne() {
        Message message;
        try {
            message = reader.parse(readFrames());
        } catch (SecurityException e) {
            LOG.warning("rejected a message on the " + (control ? "control" : "shell")
                    + " channel: its HMAC signature does not match the connection key");
            return;
        } catch (RuntimeException e) {
            LOG.warning("dropped a malformed message: " + e);
            return;
        }
        if (message == null) return;
        ShellHandler handler = connection.getHandler(message.getHeader().getType());
        if (handler == null) {
            LOG.fine("no handler for " + message.getHeader().getType().getName());
            return;
        }
        ShellReplyEnvironment env = connection.prepareReplyEnv(this, message);
        try {
            handler.handle(env, message);
        } catch (Exception e) {
            LOG.log(Level.SEVERE, "handling " + message.getHeader().getType().getName() + " failed", e);
        } finally {
            env.resolveDeferrals();
        }
        if (env.isMarkedForShutdown()) connection.close();
    }

    /** Reads every frame of the pending multipart message, so a bad message never bleeds into the next one. */
    private List<byte[]> readFrames() {
        List<byte[]> frames = new ArrayList<>();
        do {
            byte[] f = recv();
            if (f == null) break;
            if (frames.size() < MAX_FRAMES) frames.add(f);
        } while (hasReceiveMore());
        if (frames.size() >= MAX_FRAMES) throw new IllegalArgumentException("a message with more than " + MAX_FRAMES + " frames");
        return frames;
    }

    @Override
    public void close() {
        closing = true;
        Loop l = loop;
        if (l != null) l.shutdown();
        super.close();
    }

    @Override
    public void waitUntilClose() {
        Loop l = loop;
        if (l == null) return;
        try {
            l.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
