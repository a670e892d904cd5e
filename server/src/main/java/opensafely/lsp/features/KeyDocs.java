package opensafely.lsp.features;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import opensafely.lsp.pipeline.PrivacyLevel;

/** What each project.yaml key means and accepts, for completion details and hover. */
final class KeyDocs {

    /** Where a key sits. */
    enum Place { TOP, ACTION, OUTPUTS, EXPECTATIONS }

    record Key(String name, String summary, String doc) {
    }

    private static final Map<Place, Map<String, Key>> KEYS = new LinkedHashMap<>();

    static {
        put(Place.TOP, "version", "format version (required)",
                "The version of the project file format, a number. It switches checks on: from 2 output paths must be "
                        + "unique, 3 requires `expectations`, 4 removes cohortextractor and `expectations`, 5 forbids "
                        + "`:latest` image tags and an action named `run_all`. The latest version is 5.");
        put(Place.TOP, "actions", "the pipeline's actions (required)",
                "A mapping from action name to action. Each action runs one command in an OpenSAFELY image and "
                        + "declares the files it writes. Names are best kept to letters, digits and underscores.");
        put(Place.TOP, "expectations", "dummy population size (cohortextractor only)",
                "Only for the retired cohortextractor: `population_size` sets how many dummy patients it generates. "
                        + "Required at version 3, ignored below, not allowed from version 4.");
        put(Place.ACTION, "run", "the command (required)",
                "The command to run: `image:version` and then its arguments, split like a shell command line, "
                        + "e.g. `ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz` "
                        + "or `python:v2 python analysis/model.py`.");
        put(Place.ACTION, "outputs", "files the action writes (required)",
                "The files the action writes, grouped by privacy level (`highly_sensitive`, `moderately_sensitive`, "
                        + "`minimally_sensitive`); under each level, `name: path` pairs. Paths are relative to the study "
                        + "folder and may use `*` wildcards.");
        put(Place.ACTION, "needs", "actions that must run first",
                "A list of action names, e.g. `[generate_dataset, clean]`. Those actions run first and their "
                        + "outputs are available to this one. Separate names with commas.");
        put(Place.ACTION, "config", "settings passed to the command",
                "A free-form mapping, appended to the command as `--config '<JSON>'`. Used mostly by reusable actions.");
        put(Place.ACTION, "dummy_data_file", "dummy data for local runs (legacy)",
                "A file to use instead of generated dummy data when the action runs locally (cohortextractor only). "
                        + "For ehrQL, pass `--dummy-data-file` in `run` instead.");
        for (PrivacyLevel l : PrivacyLevel.values()) {
            put(Place.OUTPUTS, l.key(), "privacy level", l.description() + levelExtra(l));
        }
        put(Place.EXPECTATIONS, "population_size", "number of dummy patients",
                "How many dummy patients cohortextractor generates locally (an integer, default 1000).");
    }

    private static String levelExtra(PrivacyLevel l) {
        return switch (l) {
            case MODERATELY_SENSITIVE -> " Allowed file types: .csv .jpg .jpeg .png .svg .svgz .html .txt .log .json .md.";
            case HIGHLY_SENSITIVE -> " Any file type.";
            case MINIMALLY_SENSITIVE -> " Any file type.";
        };
    }

    private KeyDocs() {
    }

    private static void put(Place place, String name, String summary, String doc) {
        KEYS.computeIfAbsent(place, p -> new LinkedHashMap<>()).put(name, new Key(name, summary, doc));
    }

    static List<Key> keys(Place place) {
        return List.copyOf(KEYS.getOrDefault(place, Map.of()).values());
    }

    static Key key(Place place, String name) {
        return KEYS.getOrDefault(place, Map.of()).get(name);
    }

    /** The place of the keys of a mapping reached through a chain of parent keys (null when none). */
    static Place placeOf(List<String> parents) {
        if (parents.isEmpty()) return Place.TOP;
        if (parents.get(0).equals("actions") && parents.size() == 2) return Place.ACTION;
        if (parents.get(0).equals("actions") && parents.size() == 3 && parents.get(2).equals("outputs")) return Place.OUTPUTS;
        if (parents.size() == 1 && parents.get(0).equals("expectations")) return Place.EXPECTATIONS;
        return null;
    }
}
