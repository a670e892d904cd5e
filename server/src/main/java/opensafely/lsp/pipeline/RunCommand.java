package opensafely.lsp.pipeline;

import java.util.List;
import java.util.Optional;
import opensafely.lsp.text.Range;
import opensafely.lsp.yaml.YamlScalar;

/**
 * An action's {@code run} string: the raw text (which OpenSAFELY compares for duplicates), its shell words
 * with their ranges, and the image and tag of the first word.
 *
 * @param error why the string could not be split, like Python's shlex (null when it could)
 */
public record RunCommand(String raw, YamlScalar node, List<Word> words, String error, Range errorRange) {

    /** One shell word and the range of its source text. */
    public record Word(String value, Range range) {
    }

    /** The shell words of a command line as Python's shlex.split gives them (action.yaml's run:); empty where it would raise. */
    public static Optional<List<String>> shellWords(String line) {
        Shlex.Result r = Shlex.split(line);
        return r.ok() ? Optional.of(r.words().stream().map(Shlex.Word::value).toList()) : Optional.empty();
    }

    public boolean parsed() {
        return error == null;
    }

    public Optional<Word> imageWord() {
        return words.isEmpty() ? Optional.empty() : Optional.of(words.get(0));
    }

    /** The image name: the first word up to its first colon. */
    public String image() {
        if (words.isEmpty()) return "";
        String w = words.get(0).value();
        int colon = w.indexOf(':');
        return colon < 0 ? w : w.substring(0, colon);
    }

    /** The tag after the first colon of the first word, or null when there is no colon. */
    public String tag() {
        if (words.isEmpty()) return null;
        String w = words.get(0).value();
        int colon = w.indexOf(':');
        return colon < 0 ? null : w.substring(colon + 1);
    }

    /** The words after the image. */
    public List<Word> args() {
        return words.size() <= 1 ? List.of() : words.subList(1, words.size());
    }

    /** The first word after the image (the command, for ehrql and cohortextractor), or "". */
    public String command() {
        return words.size() > 1 ? words.get(1).value() : "";
    }

    /** The value of an option given as {@code --name value} or {@code --name=value}; the first one wins. */
    public Optional<Word> option(String name) {
        for (int i = 1; i < words.size(); i++) {
            Word w = words.get(i);
            if (w.value().equals(name)) {
                return i + 1 < words.size() ? Optional.of(words.get(i + 1)) : Optional.of(new Word("", w.range()));
            }
            if (w.value().startsWith(name + "=")) {
                return Optional.of(new Word(w.value().substring(name.length() + 1), w.range()));
            }
        }
        return Optional.empty();
    }

    /**
     * The file an ehrQL command ({@code generate-dataset}, {@code generate-measures}, ...) runs: its first positional
     * argument, i.e. the first word after the command that is neither an option nor an option's value (every option
     * of those commands takes a value: {@code --output F}, {@code --test-data-file F}, ...). Empty after {@code --}.
     */
    public Optional<Word> definitionArgument() {
        return definitionIndex(args().stream().map(Word::value).toList()).stream().mapToObj(i -> args().get(i)).findFirst();
    }

    /** The index in {@code words} (the command first) of its first positional argument, or empty. */
    public static java.util.OptionalInt definitionIndex(List<String> words) {
        for (int i = 1; i < words.size(); i++) {
            String v = words.get(i);
            if (v.equals("--")) break;
            if (v.startsWith("-")) {
                if (!v.contains("=")) i++; // its value follows
                continue;
            }
            return java.util.OptionalInt.of(i);
        }
        return java.util.OptionalInt.empty();
    }

    /**
     * The value of an option among plain words (a run line's words after the image, as executors get them):
     * {@code --name value} or {@code --name=value}, the first one winning, "" when the value is missing; nothing
     * after {@code --}, which starts a definition's own parameters.
     */
    public static Optional<String> optionIn(List<String> words, String name) {
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.equals("--")) break;
            if (w.equals(name)) return Optional.of(i + 1 < words.size() ? words.get(i + 1) : "");
            if (w.startsWith(name + "=")) return Optional.of(w.substring(name.length() + 1));
        }
        return Optional.empty();
    }

    public boolean hasOption(String name) {
        for (Word w : args()) {
            if (w.value().equals(name) || w.value().startsWith(name + "=")) return true;
        }
        return false;
    }
}
