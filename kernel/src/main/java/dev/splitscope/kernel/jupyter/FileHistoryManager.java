package dev.splitscope.kernel.jupyter;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Input history kept in a JSON-lines file (one cell per line, across sessions), served to history_request as
 * tail, range and glob search. Each kernel start is a new session numbered after the last one in the file.
 */
public final class FileHistoryManager implements HistoryManager {
    /** Entries kept in the file; older ones are dropped when the kernel starts. */
    static final int MAX_ENTRIES = 5000;
    private static final int MAX_OUTPUT_CHARS = 2000;

    record Entry(int session, int cell, String input, String output) {}

    private static final Logger LOG = Logger.getLogger(FileHistoryManager.class.getName());

    private final Gson gson = new Gson();
    private final Path file;
    private final List<Entry> entries = new ArrayList<>();
    private final int session;
    private boolean writable = true;

    public FileHistoryManager(Path file) {
        this.file = file;
        load();
        this.session = entries.stream().mapToInt(Entry::session).max().orElse(0) + 1;
    }

    /** {@code $SPLITSCOPE_HISTORY}, else {@code $XDG_DATA_HOME/splitscope/history.jsonl}, else under ~/.local/share. */
    public static Path defaultFile() {
        String explicit = System.getenv("SPLITSCOPE_HISTORY");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("splitscope").resolve("history.jsonl");
    }

    private void load() {
        if (!Files.isRegularFile(file)) return;
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (String line : lines) {
                try {
                    Entry e = gson.fromJson(line, Entry.class);
                    if (e != null && e.input() != null) entries.add(e);
                } catch (JsonParseException ignored) {
                    // a torn last line from a killed kernel; skip it
                }
            }
            if (entries.size() > MAX_ENTRIES) {
                entries.subList(0, entries.size() - MAX_ENTRIES).clear();
                List<String> keep = entries.stream().map(gson::toJson).toList();
                Files.write(file, keep, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            warn(e);
        }
    }

    public int session() {
        return session;
    }

    /** Records one executed cell; {@code output} is its text result or null. */
    public synchronized void record(int cell, String input, String output) {
        String out = output == null ? null : output.length() > MAX_OUTPUT_CHARS ? output.substring(0, MAX_OUTPUT_CHARS) + "…" : output;
        Entry e = new Entry(session, cell, input, out);
        entries.add(e);
        if (!writable) return;
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, gson.toJson(e) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            warn(ex);
        }
    }

    /** Logged (to the kernel's own stderr), not printed: System.err belongs to the running cell. */
    private void warn(IOException e) {
        writable = false;
        LOG.warning("history is kept in memory only; cannot use " + file + ": " + e.getMessage());
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int length, Set<ResultFlag> flags) {
        int n = length <= 0 ? entries.size() : Math.min(length, entries.size());
        return convert(entries.subList(entries.size() - n, entries.size()), flags);
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int sessionOffset, int startCell, int endCell, Set<ResultFlag> flags) {
        int s = sessionOffset > 0 ? sessionOffset : session + sessionOffset;
        List<Entry> hits = entries.stream()
                .filter(e -> e.session() == s && e.cell() >= startCell && (endCell <= startCell || e.cell() < endCell))
                .toList();
        return convert(hits, flags);
    }

    @Override
    public synchronized List<HistoryEntry> search(String pattern, int length, Set<ResultFlag> flags) {
        Pattern p = globToRegex(pattern == null || pattern.isEmpty() ? "*" : pattern);
        List<Entry> hits = new ArrayList<>();
        for (Entry e : entries) if (p.matcher(e.input()).matches()) hits.add(e);
        if (flags.contains(ResultFlag.UNIQUE)) {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : hits) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            hits = new ArrayList<>(latest.values());
        }
        int n = length <= 0 ? hits.size() : Math.min(length, hits.size());
        return convert(hits.subList(hits.size() - n, hits.size()), flags);
    }

    private static List<HistoryEntry> convert(List<Entry> list, Set<ResultFlag> flags) {
        boolean withOutput = flags.contains(ResultFlag.INCLUDE_OUTPUT);
        List<HistoryEntry> out = new ArrayList<>(list.size());
        for (Entry e : list)
            out.add(withOutput ? new HistoryEntry(e.session(), e.cell(), e.input(), e.output() == null ? "" : e.output())
                    : new HistoryEntry(e.session(), e.cell(), e.input()));
        return out;
    }

    /** An sqlite-style glob: {@code *}, {@code ?} and {@code [...]} (with {@code ^} negation). */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                        break;
                    }
                    String body = glob.substring(i + 1, close);
                    re.append('[').append(body.startsWith("^") ? "^" + body.substring(1).replace("\\", "\\\\") : body.replace("\\", "\\\\")).append(']');
                    i = close;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
