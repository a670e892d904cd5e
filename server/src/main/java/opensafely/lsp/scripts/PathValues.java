package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The possible values of a string a script builds, as the R and Stata readers work them out: a short list of
 * options, each a text in which {@link #UNKNOWN} stands for a part not known. Too many options collapse into an
 * unknown part rather than grow, so building stays bounded.
 */
final class PathValues {
    /** Stands for an unknown part while a value is built; becomes {@code *} in a path. */
    static final char UNKNOWN = '\u0001';
    /** Starts a value that lies outside the study (a temporary folder): no use is recorded for it. */
    static final char ELSEWHERE = '\u0002';
    /** Starts a value that is anchored at the study folder whatever the current folder (Stata's {@code `c(pwd)'}). */
    static final char ROOT = '\u0003';
    static final int MAX_OPTIONS = 16;

    private PathValues() {}

    static List<String> unknown() {
        return List.of(String.valueOf(UNKNOWN));
    }

    /** Every option of {@code a} followed by every option of {@code b}, or an unknown part when there are too many. */
    static List<String> concat(List<String> a, List<String> b) {
        if ((long) a.size() * b.size() > MAX_OPTIONS) {
            a = a.size() > 1 ? unknown() : a;
            b = b.size() > 1 ? unknown() : b;
        }
        Set<String> out = new LinkedHashSet<>();
        for (String x : a) {
            for (String y : b) out.add(x + y);
        }
        return new ArrayList<>(out);
    }

    /** The parts joined by {@code sep}. */
    static List<String> join(List<List<String>> parts, String sep) {
        List<String> acc = List.of("");
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) acc = concat(acc, List.of(sep));
            acc = concat(acc, parts.get(i));
        }
        return acc;
    }

    /**
     * A path as written, anchored at the study folder: one already anchored ({@link #ROOT}) or absolute is kept, a
     * relative one is put below {@code cwd}, the current folder ("" for the study folder, null when not known).
     */
    static String anchored(String cwd, String value) {
        if (!value.isEmpty() && value.charAt(0) == ROOT) return value;
        if (value.startsWith("/")) return value;
        if (cwd == null) return UNKNOWN + "/" + value;
        return cwd.isEmpty() ? value : cwd + "/" + value;
    }

    /**
     * The folder {@code cd}/{@code setwd} moves to, from the current one; null when it is not known or leaves the
     * study.
     */
    static String changeFolder(String cwd, List<String> to) {
        String target = to != null && to.size() == 1 ? to.get(0) : null;
        if (target == null || target.indexOf(UNKNOWN) >= 0 || target.indexOf(ELSEWHERE) >= 0) return null;
        if (!target.isEmpty() && target.charAt(0) == ROOT) return folder(target.substring(1));
        if (cwd == null || target.startsWith("/") || target.startsWith("~") || target.contains(":")) return null;
        return folder(cwd + "/" + target);
    }

    /** A folder below the study folder with {@code ..} and {@code .} resolved; null when it leaves the study. */
    static String folder(String value) {
        List<String> segments = new ArrayList<>();
        for (String s : value.split("/", -1)) {
            if (s.isEmpty() || s.equals(".")) continue;
            if (s.equals("..")) {
                if (segments.isEmpty()) return null;
                segments.remove(segments.size() - 1);
            } else {
                segments.add(s);
            }
        }
        return String.join("/", segments);
    }

    /**
     * The study-relative path of a value, {@code *} for unknown parts; null when it lies outside the study, is empty,
     * or is too little known to name a file (an unknown part before the first known folder).
     */
    static String path(String value) {
        if (value.isEmpty() || value.indexOf(ELSEWHERE) >= 0) return null;
        if (value.lastIndexOf(ROOT) > 0) return null;
        String v = value.charAt(0) == ROOT ? value.substring(1).replaceFirst("^/+", "") : value;
        if (v.startsWith(PathText.WORKSPACE + "/")) v = v.substring(PathText.WORKSPACE.length() + 1);
        if (v.startsWith("/") || v.startsWith("~") || (v.length() > 1 && v.charAt(1) == ':')) return null;
        String joined = resolveDots(v, UNKNOWN);
        if (joined == null || joined.isEmpty()) return null;
        int firstUnknown = joined.indexOf(UNKNOWN);
        if (firstUnknown >= 0 && joined.lastIndexOf('/', firstUnknown) < 0) return null;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == UNKNOWN) {
                if (out.length() == 0 || out.charAt(out.length() - 1) != '*') out.append('*');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A relative path with its {@code .} and empty parts dropped and each {@code ..} applied: the one segment walk of
     * every script reader. Null when a {@code ..} would leave the study folder or climb out of a part holding
     * {@code hole} (an unknown part: where that lands is unknown too); "" for the study folder itself.
     */
    static String resolveDots(String relative, char hole) {
        List<String> parts = new ArrayList<>();
        for (String part : relative.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (parts.isEmpty() || parts.get(parts.size() - 1).indexOf(hole) >= 0) return null;
                parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(part);
        }
        return String.join("/", parts);
    }
}
