package dev.splitscope.kernel.repl;

import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.util.Map;

/** Hands JShell our {@link CapturingExecutionControl} and remembers it so the REPL can read captured values. */
final class CapturingProvider implements ExecutionControlProvider {
    private final ClassLoader parent;
    private volatile CapturingExecutionControl control;

    CapturingProvider(ClassLoader parent) {
        this.parent = parent;
    }

    @Override
    public String name() {
        return "splitscope-local";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        control = new CapturingExecutionControl(parent);
        return control;
    }

    CapturingExecutionControl control() {
        return control;
    }
}
