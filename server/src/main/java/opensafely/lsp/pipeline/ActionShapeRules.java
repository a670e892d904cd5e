package opensafely.lsp.pipeline;

import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlNode;
import opensafely.lsp.yaml.YamlScalar;
import opensafely.lsp.yaml.YamlSequence;

/** Each action: a mapping with {@code run} and {@code outputs}, known keys only, values of the right type. */
final class ActionShapeRules implements PipelineRule {
    static final List<String> KEYS = List.of("run", "outputs", "needs", "config", "dummy_data_file");
    static final String RUN_ALL = "run_all";
    private static final int RUN = KEYS.indexOf("run");
    private static final int OUTPUTS = KEYS.indexOf("outputs");
    private static final int NEEDS = KEYS.indexOf("needs");
    private static final int CONFIG = KEYS.indexOf("config");
    private static final int DUMMY_DATA_FILE = KEYS.indexOf("dummy_data_file");

    @Override
    public void check(Project project, RuleContext ctx) {
        for (Action action : project.actions()) {
            checkAction(project, action, ctx);
        }
    }

    private static void checkAction(Project project, Action action, RuleContext ctx) {
        String id = action.name();
        if (RUN_ALL.equals(id)) {
            boolean forbidden = project.version().runAllForbidden();
            ctx.report(Diagnostic.of(Rule.RESERVED_ACTION_NAME, action.nameNode().range(), forbidden
                            ? "`run_all` is reserved for the built-in action that runs every action; rename this action."
                            : "`run_all` is reserved for the built-in action that runs every action; OpenSAFELY ignores this one, and version 5 rejects it. Rename it.")
                    .withSeverity(forbidden ? Severity.ERROR : Severity.WARNING));
        }
        nameStyle(action, ctx);
        if (action.body() == null) {
            ctx.report(Rule.ACTION_NOT_MAPPING, action.nameNode().range(),
                    "Action '" + id + "' must be a mapping with `run` and `outputs`, but it is " + action.value().describe() + ".");
            return;
        }
        YamlMapping body = action.body();
        // The first entry of each known key, as YamlMapping.entry finds it, from one pass over the body.
        YamlMapping.Entry[] known = new YamlMapping.Entry[KEYS.size()];
        boolean allKnown = true;
        for (YamlMapping.Entry e : body.entries()) {
            int k = KEYS.indexOf(e.keyText());
            if (k >= 0 && known[k] == null) known[k] = e;
            allKnown &= k >= 0 && e.keyIsString();
        }
        if (known[RUN] == null) {
            ctx.report(Rule.ACTION_MISSING_RUN, action.nameNode().range(), "Action '" + id + "' has no `run` command.");
        }
        if (known[OUTPUTS] == null) {
            ctx.report(Rule.ACTION_MISSING_OUTPUTS, action.nameNode().range(),
                    "Action '" + id + "' has no `outputs`; declare what it writes under a privacy level.");
        }
        if (!allKnown) {
            for (YamlMapping.Entry e : body.entries()) {
                if (!KEYS.contains(e.keyText()) || !e.keyIsString()) {
                    KeyFixes.unknown(ctx, Rule.UNKNOWN_ACTION_KEY, e.key(), "key", " in action '" + id + "'", KEYS);
                }
            }
        }
        type(known[OUTPUTS], "outputs", YamlMapping.class, false, Rule.OUTPUTS_NOT_MAPPING, id, "a mapping of privacy levels", ctx);
        type(known[RUN], "run", YamlScalar.class, false, Rule.RUN_NOT_STRING, id, "a string", ctx);
        type(known[NEEDS], "needs", YamlSequence.class, true, Rule.NEEDS_NOT_LIST, id, "a list of action names", ctx);
        type(known[CONFIG], "config", YamlMapping.class, true, Rule.CONFIG_NOT_MAPPING, id, "a mapping", ctx);
        type(known[DUMMY_DATA_FILE], "dummy_data_file", YamlScalar.class, true, Rule.DUMMY_DATA_FILE_NOT_STRING, id, "a path", ctx);
    }

    /** Reports a key whose value has the wrong type; {@code nullable} keys may be null (absent). */
    private static void type(YamlMapping.Entry e, String key, Class<? extends YamlNode> expected, boolean nullable,
                             Rule rule, String id, String what, RuleContext ctx) {
        if (e == null) return;
        YamlNode v = e.value();
        boolean isNull = v instanceof YamlScalar s && s.isNull();
        if (isNull && nullable) return;
        boolean ok = expected.isInstance(v) && (expected != YamlScalar.class || ((YamlScalar) v).isString());
        if (!ok) {
            ctx.report(rule, isNull ? e.key().range() : v.range(),
                    "`" + key + "` of action '" + id + "' must be " + what + ", but it is " + TopLevelRules.describe(v) + ".");
        }
    }

    private static void nameStyle(Action action, RuleContext ctx) {
        if (!action.nameIsString()) {
            ctx.report(Rule.ACTION_NAME_STYLE, action.nameNode().range(),
                    "Action name '" + action.name() + "' is " + action.nameNode().describe()
                            + ", not a string; quote it or use letters, digits and underscores.");
        } else if (!usualName(action.name())) {
            ctx.report(Rule.ACTION_NAME_STYLE, action.nameNode().range(),
                    "Action name '" + action.name() + "' has characters other than letters, digits, '_', '-' and '.'; "
                            + "it must be quoted on the command line (`opensafely run`). Prefer letters, digits and underscores.");
        }
    }

    /**
     * Whether a name matches {@code [A-Za-z0-9_][A-Za-z0-9_.-]*}, what the command line takes unquoted.
     * Checked by hand: a regular expression per action name was the costliest part of this rule.
     */
    static boolean usualName(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
                    || i > 0 && (c == '.' || c == '-');
            if (!ok) return false;
        }
        return true;
    }
}
