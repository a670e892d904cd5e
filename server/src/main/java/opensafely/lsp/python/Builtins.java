package opensafely.lsp.python;

import java.util.Set;

/** The names Python binds in every module without an import: reading one is never a NameError. */
public final class Builtins {
    private static final Set<String> NAMES = Set.of("abs", "aiter", "all", "anext", "any", "ascii", "bin", "bool", "breakpoint",
            "bytearray", "bytes", "callable", "chr", "classmethod", "compile", "complex", "copyright", "credits", "delattr", "dict", "dir",
            "divmod", "enumerate", "eval", "exec", "exit", "filter", "float", "format", "frozenset", "getattr", "globals", "hasattr", "hash",
            "help", "hex", "id", "input", "int", "isinstance", "issubclass", "iter", "len", "license", "list", "locals", "map", "max",
            "memoryview", "min", "next", "object", "oct", "open", "ord", "pow", "print", "property", "quit", "range", "repr", "reversed",
            "round", "set", "setattr", "slice", "sorted", "staticmethod", "str", "sum", "super", "tuple", "type", "vars", "zip",
            "True", "False", "None", "Ellipsis", "NotImplemented", "BaseException", "BaseExceptionGroup", "ExceptionGroup",
            "KeyboardInterrupt", "SystemExit", "GeneratorExit", "StopIteration", "StopAsyncIteration",
            // bound by IPython/Jupyter, where some studies' helper code was first written
            "display", "get_ipython");

    private Builtins() {
    }

    /**
     * Whether a name needs no binding of the file's: a builtin, a dunder ({@code __file__}, {@code __name__}), or one of
     * the many exception and warning classes (named by their suffix rather than listed).
     */
    public static boolean bound(String id) {
        return id.isEmpty() || id.startsWith("__") || NAMES.contains(id) || id.endsWith("Error") || id.endsWith("Exception")
                || id.endsWith("Warning");
    }
}
