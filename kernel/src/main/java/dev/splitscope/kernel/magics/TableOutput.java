package dev.splitscope.kernel.magics;

import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.views.TableView;
import tech.tablesaw.api.Table;

/** Shows a table in the cell and binds it to a JShell variable, printing the variable's name. */
public final class TableOutput {
    private TableOutput() {}

    /** Displays {@code table} and binds it as {@code variable}; returns the name actually bound. */
    public static String show(MagicContext ctx, Table table, String variable) {
        ctx.display(TableView.bundle(table));
        String name = ctx.bind(variable, table, Table.class);
        ctx.out().println("→ " + name + " (" + table.rowCount() + " rows): a Tablesaw Table you can use in the next cell");
        ctx.out().flush();
        return name;
    }
}
