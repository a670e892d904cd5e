package opensafely.lsp.outputs;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.diagnostics.Diagnostic;

/**
 * The release summary of a study's outputs, one page: for each action, its figures beside its tables, and for each
 * file its findings and Airlock's per-column summary (tooling spec §4.4). HTML for a person (self-contained: inline
 * style, no script, images by relative link), Markdown for a pull-request comment.
 */
public final class SummaryPage {
    private static final BigDecimal SEVEN = BigDecimal.valueOf(7);

    private SummaryPage() {
    }

    /** The reports grouped by the action that writes them, in the order found; CSVs named on request under "". */
    static Map<String, List<OutputReport>> byAction(List<OutputReport> reports) {
        Map<String, List<OutputReport>> out = new LinkedHashMap<>();
        for (OutputReport r : reports) out.computeIfAbsent(r.action().orElse(""), k -> new ArrayList<>()).add(r);
        return out;
    }

    /** The link from the page (in {@code pageDir}) to a file of the study, with forward slashes. */
    static String link(Path pageDir, Path file) {
        return pageDir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    public static String html(String study, List<OutputReport> reports, Path pageDir) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Outputs of ").append(esc(study))
                .append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}")
                .append("th,td{border:1px solid #bbb;padding:.2em .5em;text-align:right}th:first-child,td:first-child{text-align:left}")
                .append(".flag{background:#fde2e1}.action{display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:2em;align-items:start}")
                .append(".tables{overflow-x:auto}.figures img{max-width:300px;border:1px solid #ccc}.file{margin-bottom:1.5em}")
                .append("ul.findings li{color:#8a4b00}.ok{color:#2a6b2a}\n</style></head><body>\n");
        int findings = reports.stream().mapToInt(r -> r.findings().size()).sum();
        h.append("<h1>Outputs of ").append(esc(study)).append("</h1>\n<p>").append(reports.size()).append(" file")
                .append(reports.size() == 1 ? "" : "s").append(", ").append(findings).append(" finding").append(findings == 1 ? "" : "s")
                .append(". Each finding is for an output checker to judge; see docs/rules.md for what each rule checks.</p>\n");
        if (reports.isEmpty()) {
            h.append("<p>No moderately_sensitive outputs on disk: run the actions first.</p>\n");
        }
        for (Map.Entry<String, List<OutputReport>> action : byAction(reports).entrySet()) {
            h.append("<h2>").append(action.getKey().isEmpty() ? "Other files" : "Action " + esc(action.getKey())).append("</h2>\n<div class=\"action\">\n<div class=\"tables\">\n");
            for (OutputReport r : action.getValue()) {
                h.append("<section class=\"file\" data-file=\"").append(esc(r.relative())).append("\">\n<h3>").append(esc(r.relative())).append("</h3>\n");
                findingsHtml(h, r.findings());
                r.table().ifPresent(t -> tableHtml(h, r.relative(), t));
                h.append("</section>\n");
            }
            h.append("</div>\n<div class=\"figures\">\n");
            for (OutputReport r : action.getValue()) {
                if (r.image()) {
                    h.append("<figure><img src=\"").append(esc(link(pageDir, r.file()))).append("\" alt=\"").append(esc(r.relative()))
                            .append("\"><figcaption>").append(esc(r.relative())).append("</figcaption></figure>\n");
                }
            }
            h.append("</div>\n</div>\n");
        }
        return h.append("</body></html>\n").toString();
    }

    private static void findingsHtml(StringBuilder h, List<Diagnostic> findings) {
        if (findings.isEmpty()) {
            h.append("<p class=\"ok\">No findings.</p>\n");
            return;
        }
        h.append("<ul class=\"findings\">\n");
        for (Diagnostic d : findings) {
            h.append("<li>line ").append(d.range().start().line() + 1).append(", column ").append(d.range().start().character() + 1)
                    .append(": <code>").append(d.code()).append("</code> ").append(esc(d.message())).append("</li>\n");
        }
        h.append("</ul>\n");
    }

    private static void tableHtml(StringBuilder h, String file, TableCheck.Result t) {
        h.append("<p>").append(count(t.rows(), "row")).append(", ").append(count(t.columns().size(), "column")).append("</p>\n");
        if (t.columns().isEmpty()) return;
        h.append("<table class=\"summary\" data-file=\"").append(esc(file)).append("\">\n<tr>");
        for (String head : HEADINGS) h.append("<th>").append(head).append("</th>");
        h.append("</tr>\n");
        for (ColumnSummary c : t.columns()) {
            h.append("<tr>");
            List<String> cells = cells(c);
            for (int i = 0; i < cells.size(); i++) {
                h.append(flagged(c, i) ? "<td class=\"flag\">" : "<td>").append(esc(cells.get(i))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n");
    }

    public static String markdown(String study, List<OutputReport> reports, Path pageDir) {
        StringBuilder m = new StringBuilder();
        int findings = reports.stream().mapToInt(r -> r.findings().size()).sum();
        m.append("## Outputs of ").append(md(study)).append("\n\n").append(reports.size()).append(" file").append(reports.size() == 1 ? "" : "s")
                .append(", ").append(findings).append(" finding").append(findings == 1 ? "" : "s").append(".\n");
        if (reports.isEmpty()) m.append("\nNo moderately_sensitive outputs on disk: run the actions first.\n");
        for (Map.Entry<String, List<OutputReport>> action : byAction(reports).entrySet()) {
            m.append("\n### ").append(action.getKey().isEmpty() ? "Other files" : "Action `" + action.getKey().replace("`", "'") + "`").append("\n");
            for (OutputReport r : action.getValue()) {
                m.append("\n#### `").append(r.relative().replace("`", "'")).append("`\n\n");
                if (r.image()) m.append("![").append(md(r.relative())).append("](").append(link(pageDir, r.file()).replace(" ", "%20")).append(")\n\n");
                if (r.findings().isEmpty()) m.append("No findings.\n");
                for (Diagnostic d : r.findings()) {
                    m.append("- line ").append(d.range().start().line() + 1).append(", column ").append(d.range().start().character() + 1)
                            .append(": `").append(d.code()).append("` ").append(md(d.message())).append('\n');
                }
                r.table().ifPresent(t -> {
                    m.append("\n").append(count(t.rows(), "row")).append(", ").append(count(t.columns().size(), "column")).append("\n");
                    if (t.columns().isEmpty()) return;
                    m.append("\n| ").append(String.join(" | ", HEADINGS)).append(" |\n|").append(" --- |".repeat(HEADINGS.size())).append('\n');
                    for (ColumnSummary c : t.columns()) {
                        List<String> cells = cells(c);
                        m.append('|');
                        for (int i = 0; i < cells.size(); i++) {
                            String v = md(cells.get(i));
                            m.append(' ').append(flagged(c, i) ? "**" + v + "**" : v).append(" |");
                        }
                        m.append('\n');
                    }
                });
            }
        }
        return m.toString();
    }

    private static final List<String> HEADINGS = List.of("column", "type", "min", "min non-zero", "max", "sum",
            "divisible by 5", "divisible by 6", "midpoint-6 rounded", "redacted cells");

    private static List<String> cells(ColumnSummary c) {
        return List.of(c.name(), c.type(), num(c.min()), num(c.minNonZero()), num(c.max()), num(c.sum()),
                yesNo(c.divisibleBy5()), yesNo(c.divisibleBy6()), yesNo(c.midpoint6()), String.valueOf(c.redacted()));
    }

    /**
     * What a checker looks at first (§4.4), in columns of whole numbers (where counts are): a smallest non-zero value
     * of 1..7, values not all multiples of 5. Not in columns of fractions (estimates, p-values), where it is noise.
     */
    private static boolean flagged(ColumnSummary c, int cell) {
        if (!c.type().equals("integer")) return false;
        return switch (cell) {
            case 3 -> c.minNonZero() != null && c.minNonZero().compareTo(SEVEN) <= 0 && c.minNonZero().compareTo(BigDecimal.ONE) >= 0;
            case 6 -> Boolean.FALSE.equals(c.divisibleBy5());
            default -> false;
        };
    }

    private static String num(BigDecimal x) {
        return x == null ? "" : CellRules.plain(x);
    }

    private static String yesNo(Boolean b) {
        return b == null ? "" : b ? "yes" : "no";
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(Character.isISOControl(c) ? ' ' : c);
            }
        }
        return out.toString();
    }

    /** Text in a Markdown table or list: no pipes, no HTML tags, no line breaks (quotes stay readable). */
    static String md(String s) {
        return esc(s).replace("&quot;", "\"").replace("&#39;", "'").replace("|", "\\|").replace("\n", " ").replace("`", "'");
    }

    /** "1 row", "3 rows". */
    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
