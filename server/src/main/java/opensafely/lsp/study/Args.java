package opensafely.lsp.study;

import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.python.Py;
import opensafely.lsp.python.SourceFile;
import opensafely.lsp.study.Interpreter.Env;
import opensafely.lsp.study.Value.Origin;

/**
 * The evaluated arguments of one call: positional values with where each was written, keyword values (those of a
 * {@code **dict} too), and whether a {@code *list} or {@code **dict} that is not fully known may have added more.
 */
record Args(List<Value> positional, List<Origin> positionalOrigins, List<Value.Kw> keywords, boolean open) {
    /** Evaluates the arguments of a call in the caller's scope. */
    static Args of(Interpreter ip, SourceFile f, Py.Call c, Env env) {
        List<Value> pos = new ArrayList<>();
        List<Origin> posOrigins = new ArrayList<>();
        List<Value.Kw> kws = new ArrayList<>();
        boolean open = false;
        for (Py.Arg a : c.args()) {
            Value v = ip.eval(f, a.value(), env);
            switch (a.kind()) {
                case POSITIONAL -> {
                    pos.add(v);
                    posOrigins.add(Origin.of(f, a.value()));
                }
                case KEYWORD -> {
                    Origin name = new Origin(f, a.keywordStart(), a.keywordEnd());
                    kws.add(new Value.Kw(a.keyword(), v, name, Origin.of(f, a.value()), name));
                }
                case STAR -> {
                    List<Value> items = ip.iterate(v);
                    if (items == null) open = true;
                    else for (Value x : items) {
                        pos.add(x);
                        posOrigins.add(x.origin() != null ? x.origin() : Origin.of(f, a.value()));
                    }
                }
                case DOUBLE_STAR -> {
                    Origin anchor = new Origin(f, a.start(), a.end());
                    if (v instanceof Value.DictV d) {
                        if (!d.complete) open = true;
                        for (Value.Entry en : d.entries) {
                            String k = en.keyString();
                            if (k == null) {
                                open = true;
                                continue;
                            }
                            Origin vo = en.value().origin() != null ? en.value().origin() : en.keyOrigin();
                            kws.add(new Value.Kw(k, en.value(), en.keyOrigin(), vo, anchor));
                        }
                    } else {
                        open = true;
                    }
                }
            }
        }
        return new Args(pos, posOrigins, kws, open);
    }

    /** The argument given by keyword {@code name} or at position {@code index}; null when not given. */
    static Value argAt(Args a, int index, String name) {
        for (Value.Kw k : a.keywords()) if (k.name().equals(name)) return k.value();
        return index < a.positional().size() ? a.positional().get(index) : null;
    }
}
