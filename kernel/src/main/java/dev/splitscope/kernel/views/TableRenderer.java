package dev.splitscope.kernel.views;

import dev.splitscope.kernel.spi.MimeBundle;
import dev.splitscope.kernel.spi.ObjectRenderer;
import tech.tablesaw.api.Table;

/** Shows Tablesaw tables returned by a cell as HTML and text. */
public final class TableRenderer implements ObjectRenderer<Table> {
    @Override
    public Class<Table> type() {
        return Table.class;
    }

    @Override
    public MimeBundle render(Table value) {
        return TableView.bundle(value);
    }
}
