package opensafely.lsp.scripts;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.scripts.RScriptReader.Strings;
import opensafely.lsp.scripts.RScriptReader.Value;

/** The R functions that build strings the reader follows into paths. */
final class RStrings {
    /** Returned when a function is not one of these. */
    static final Value NOT_STRING = new RScriptReader.Fn(null);

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z.][A-Za-z0-9._]*");

    private RStrings() {}

    static Value build(RScriptReader.Walk walk, String bare, String name, List<RArgs.Arg> args) {
        switch (bare) {
            case "paste", "paste0", "str_c", "str_glue", "glue" -> {
                if (bare.equals("str_glue") || bare.equals("glue")) return glue(walk, args);
                if (RArgs.named(args, "collapse") != null) return null;
                RArgs.Arg sepArg = RArgs.named(args, "sep");
                String sep = bare.equals("paste") ? " " : "";
                if (sepArg != null) {
                    if (!(sepArg.value() instanceof Strings s) || s.options().size() != 1) return null;
                    sep = s.options().get(0);
                }
                return join(args, sep);
            }
            case "here" -> {
                if (!name.equals("here") && !name.startsWith("here::")) return NOT_STRING;
                // here() is the study folder wherever the script has moved to
                String root = String.valueOf(PathValues.ROOT);
                if (args.isEmpty()) return new Strings(List.of(root));
                Value joined = join(args, "/");
                return joined instanceof Strings s ? new Strings(PathValues.concat(List.of(root + "/"), s.options())) : null;
            }
            case "file.path" -> {
                if (RArgs.named(args, "fsep") != null) return null;
                return join(args, "/");
            }
            case "c" -> {
                List<String> all = new ArrayList<>();
                for (RArgs.Arg a : args) {
                    if (!(a.value() instanceof Strings s)) return null;
                    all.addAll(s.options());
                }
                return all.isEmpty() || all.size() > PathValues.MAX_OPTIONS ? null : new Strings(all);
            }
            case "sprintf" -> {
                return sprintf(args);
            }
            case "as.character", "toString", "I", "normalizePath", "path.expand", "fs::path" -> {
                return args.size() == 1 ? args.get(0).value() : null;
            }
            case "path" -> {
                return name.equals("fs::path") || name.equals("path") ? join(args, "/") : NOT_STRING;
            }
            case "getwd" -> {
                return walk.cwd == null ? null : new Strings(List.of(PathValues.ROOT + walk.cwd));
            }
            case "tempdir", "tempfile", "tmpfile" -> {
                return new Strings(List.of(String.valueOf(PathValues.ELSEWHERE)));
            }
            default -> {
                return NOT_STRING;
            }
        }
    }

    private static Value join(List<RArgs.Arg> args, String sep) {
        List<List<String>> parts = new ArrayList<>();
        for (RArgs.Arg a : args) {
            if (a.name() != null) continue;
            parts.add(a.value() instanceof Strings s ? s.options() : PathValues.unknown());
        }
        if (parts.isEmpty()) return null;
        return new Strings(PathValues.join(parts, sep));
    }

    /** {@code glue("output/{x}.csv")}: names known to the walk are filled in, anything else is unknown. */
    private static Value glue(RScriptReader.Walk walk, List<RArgs.Arg> args) {
        List<String> acc = List.of("");
        for (RArgs.Arg a : args) {
            if (a.name() != null) continue;
            if (!(a.value() instanceof Strings s) || s.options().size() != 1) {
                acc = PathValues.concat(acc, PathValues.unknown());
                continue;
            }
            String t = s.options().get(0);
            int i = 0;
            StringBuilder lit = new StringBuilder();
            while (i < t.length()) {
                char c = t.charAt(i);
                if ((c == '{' || c == '}') && i + 1 < t.length() && t.charAt(i + 1) == c) {
                    lit.append(c);
                    i += 2;
                } else if (c == '{') {
                    int close = t.indexOf('}', i);
                    if (close < 0) close = t.length();
                    acc = PathValues.concat(acc, List.of(lit.toString()));
                    lit.setLength(0);
                    String expr = t.substring(i + 1, close).trim();
                    RArgs.Arg named = RArgs.named(args, expr);
                    Value v = named != null ? named.value() : NAME.matcher(expr).matches() ? walk.env.get(expr) : null;
                    acc = PathValues.concat(acc, v instanceof Strings sv ? sv.options() : PathValues.unknown());
                    i = close + 1;
                } else {
                    lit.append(c);
                    i++;
                }
            }
            acc = PathValues.concat(acc, List.of(lit.toString()));
        }
        return new Strings(acc);
    }

    /** {@code sprintf} with plain {@code %s}/{@code %d}/{@code %i} conversions; anything fancier is unknown. */
    private static Value sprintf(List<RArgs.Arg> args) {
        List<RArgs.Arg> positional = args.stream().filter(a -> a.name() == null).toList();
        if (positional.isEmpty() || !(positional.get(0).value() instanceof Strings f) || f.options().size() != 1) return null;
        String fmt = f.options().get(0);
        List<String> acc = List.of("");
        StringBuilder lit = new StringBuilder();
        int next = 1;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%') {
                lit.append(c);
                continue;
            }
            if (i + 1 < fmt.length() && fmt.charAt(i + 1) == '%') {
                lit.append('%');
                i++;
                continue;
            }
            int j = i + 1;
            while (j < fmt.length() && "0123456789.-+ #$*".indexOf(fmt.charAt(j)) >= 0) j++;
            if (j >= fmt.length()) return null;
            acc = PathValues.concat(acc, List.of(lit.toString()));
            lit.setLength(0);
            boolean plain = j == i + 1 && "sdi".indexOf(fmt.charAt(j)) >= 0;
            Value v = next < positional.size() ? positional.get(next).value() : null;
            next++;
            acc = PathValues.concat(acc, plain && v instanceof Strings s ? s.options() : PathValues.unknown());
            i = j;
        }
        acc = PathValues.concat(acc, List.of(lit.toString()));
        return new Strings(acc);
    }
}
