package dev.splitscope.kernel.magics;

import dev.splitscope.kernel.spi.Magic;
import dev.splitscope.kernel.spi.MagicProvider;
import dev.splitscope.kernel.spi.ObjectRenderer;
import dev.splitscope.kernel.views.ChartRenderer;
import dev.splitscope.kernel.views.TableRenderer;

import java.util.List;

/** The built-in plugin: the kernel's own magics, table and chart renderers, and the imports every notebook wants. */
public final class BuiltinMagics implements MagicProvider {
    @Override
    public String name() {
        return "builtin";
    }

    @Override
    public List<Magic> magics() {
        return List.of(new HelpMagic(), new LsMagic(), new DebugMagic(), new PluginMagic(), new DevicesMagic(),
                new GgufMagic(), new PlanMagic(),
                new LoadMagic(), new ModelsMagic(), new UnloadMagic(), new PlacementMagic(), new SplitsMagic(), new KvMagic(), new RoutingMagic(),
                new CommMagic(), new TimingsMagic(), new PromptMagic(), new ChatMagic(), new BenchMagic());
    }

    @Override
    public List<ObjectRenderer<?>> renderers() {
        return List.of(new TableRenderer(), new ChartRenderer());
    }

    @Override
    public List<String> imports() {
        return List.of("tech.tablesaw.api.*", "dev.splitscope.kernel.views.Charts", "dev.splitscope.kernel.views.TableView");
    }
}
