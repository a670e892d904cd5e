package opensafely.lsp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Places in a project.yaml where the benchmark types, asks for completion or hovers, found by plain
 * line patterns (the harness must not depend on the server's parser). Columns are Java string
 * indexes, i.e. UTF-16 code units, as LSP wants.
 */
record EditSites(List<Site> runEnds, List<Site> needsEntryEnds, List<Site> runValueStarts,
                 List<Site> needsEntryPrefixes, List<Site> flowNeedsOpen, List<Site> actionNames,
                 List<Site> needsNames) {

    record Site(int line, int character) {
    }

    private static final Pattern ACTION_KEY = Pattern.compile("^  ([A-Za-z0-9_][A-Za-z0-9_-]*):\\s*$");
    private static final Pattern RUN = Pattern.compile("^(\\s+)run: ");
    private static final Pattern BLOCK_ENTRY = Pattern.compile("^\\s+- ([A-Za-z0-9_-]+)\\s*$");
    private static final Pattern FLOW_NEEDS = Pattern.compile("^\\s+needs: \\[([A-Za-z0-9_-]+)");

    static EditSites find(String text) {
        List<Site> runEnds = new ArrayList<>();
        List<Site> needsEnds = new ArrayList<>();
        List<Site> runStarts = new ArrayList<>();
        List<Site> prefixes = new ArrayList<>();
        List<Site> flowOpen = new ArrayList<>();
        List<Site> actionNames = new ArrayList<>();
        List<Site> needsNames = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        boolean inNeeds = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String trimmed = line.trim();
            Matcher m;
            if ((m = ACTION_KEY.matcher(line)).matches()) {
                actionNames.add(new Site(i, 2 + m.group(1).length() / 2));
                inNeeds = false;
                continue;
            }
            if ((m = RUN.matcher(line)).find()) {
                runEnds.add(new Site(i, line.length()));
                runStarts.add(new Site(i, m.end()));
            }
            if (trimmed.equals("needs:")) {
                inNeeds = true;
                continue;
            }
            if (inNeeds && (m = BLOCK_ENTRY.matcher(line)).matches()) {
                int nameStart = m.start(1);
                int len = m.group(1).length();
                needsEnds.add(new Site(i, m.end(1)));
                prefixes.add(new Site(i, nameStart + Math.min(3, len)));
                needsNames.add(new Site(i, nameStart + len / 2));
                continue;
            }
            inNeeds = false;
            if ((m = FLOW_NEEDS.matcher(line)).find()) {
                int open = line.indexOf('[');
                flowOpen.add(new Site(i, open + 1));
                needsEnds.add(new Site(i, m.end(1)));
                needsNames.add(new Site(i, m.start(1) + m.group(1).length() / 2));
            }
        }
        return new EditSites(runEnds, needsEnds, runStarts, prefixes, flowOpen, actionNames, needsNames);
    }

    /** The k-th of `count` picks spread evenly over the file (so edits are not all near the top). */
    static Site spread(List<Site> sites, int k, int count) {
        long index = ((long) k * sites.size() / Math.max(1, count) + (long) k * 7919) % sites.size();
        return sites.get((int) index);
    }
}
