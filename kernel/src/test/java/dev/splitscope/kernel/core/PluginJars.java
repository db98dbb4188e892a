package dev.splitscope.kernel.core;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Builds a small plugin jar at test time: compiles the sources with javax.tools and jars them with a service file. */
final class PluginJars {
    private PluginJars() {}

    static Path build(Path dir, String jarName, String providerClass, String... sources) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + jarName));
        Path classes = Files.createDirectories(dir.resolve("classes-" + jarName));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                "--release", "25", "-proc:none"));
        for (int i = 0; i < sources.length; i += 2) {
            Path f = src.resolve(sources[i]);
            Files.createDirectories(f.getParent());
            Files.writeString(f, sources[i + 1]);
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) throw new IllegalStateException("the test plugin did not compile (javac exit " + rc + ")");
        Path jar = dir.resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/dev.splitscope.kernel.spi.MagicProvider"));
            OutputStream o = out;
            o.write((providerClass + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    static final String GREETING = """
            package demo;
            public record Greeting(String text) {}
            """;

    static final String PROVIDER = """
            package demo;

            import dev.splitscope.kernel.spi.*;
            import java.util.List;

            public final class DemoProvider implements MagicProvider {
                public String name() { return "demo"; }

                public List<Magic> magics() {
                    return List.of(new Magic() {
                        public String name() { return "hello"; }
                        public String summary() { return "says hello"; }
                        public boolean acceptsBody() { return true; }
                        public void run(MagicContext ctx, MagicCall call) {
                            ctx.out().println("hello " + String.join(" ", call.args())
                                    + (call.body() == null ? "" : " body=" + call.body().strip()));
                            ctx.bind("greeting", new Greeting("hi " + call.rawArgs()), Greeting.class);
                        }
                    }, new Magic() {
                        public String name() { return "spin"; }
                        public String summary() { return "waits until interrupted"; }
                        public void run(MagicContext ctx, MagicCall call) throws Exception {
                            while (true) {
                                ctx.cancellation().check();
                                Thread.sleep(5);
                            }
                        }
                    });
                }

                public List<ObjectRenderer<?>> renderers() {
                    return List.of(new ObjectRenderer<Greeting>() {
                        public Class<Greeting> type() { return Greeting.class; }
                        public MimeBundle render(Greeting g) { return MimeBundle.text(g.text()).html("<b>" + g.text() + "</b>"); }
                    });
                }

                public List<String> imports() { return List.of("demo.Greeting"); }
            }
            """;
}
