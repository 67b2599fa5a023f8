package io.vigil.cli.ingest;

import io.vigil.cli.common.CliException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A list of cameras for one {@code vigil ingest --sources FILE}: one per line, {@code ID SOURCE} (a
 * stream id, white space, a file path or URL); blank lines and lines starting with {@code #} are
 * skipped. Ids must be distinct.
 */
record SourceList(List<Entry> entries) {

    record Entry(String streamId, String source) {}

    static SourceList read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new CliException("cannot read the source list " + file + ": " + e.getMessage());
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length < 2) {
                throw new CliException(
                        file + " line " + (i + 1) + ": expected 'ID SOURCE', got '" + line + "'");
            }
            if (!ids.add(parts[0])) {
                throw new CliException(
                        file + " line " + (i + 1) + ": stream id " + parts[0] + " is listed twice");
            }
            entries.add(new Entry(parts[0], parts[1].strip()));
        }
        if (entries.isEmpty()) {
            throw new CliException(file + " lists no source");
        }
        return new SourceList(List.copyOf(entries));
    }
}
