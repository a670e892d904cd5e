package opensafely.lsp.diagnostics;

import static opensafely.lsp.diagnostics.Severity.ERROR;
import static opensafely.lsp.diagnostics.Severity.HINT;
import static opensafely.lsp.diagnostics.Severity.INFORMATION;
import static opensafely.lsp.diagnostics.Severity.WARNING;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every rule the analysis can report. The id is public contract: it is the LSP diagnostic code, the
 * SARIF ruleId and the `code` of `check --format json`, and it is documented in docs/rules.md.
 * Never rename an id; add a new one instead.
 */
public enum Rule {
    // --- the file and its YAML ---------------------------------------------------------------
    FILE_ENCODING("file-encoding", ERROR, "File is not valid UTF-8",
            "The file must be UTF-8 text. Re-save it as UTF-8."),
    YAML_SYNTAX("yaml-syntax", ERROR, "YAML syntax error",
            "The file is not valid YAML, so OpenSAFELY cannot read it. Fix the syntax at the marked place; tabs may not indent YAML."),
    YAML_DUPLICATE_KEY("yaml-duplicate-key", ERROR, "Duplicate key",
            "A key appears twice in the same mapping. OpenSAFELY rejects duplicate keys at every level; remove or rename one of them."),
    YAML_MULTIPLE_DOCUMENTS("yaml-multiple-documents", ERROR, "More than one YAML document",
            "project.yaml must hold a single YAML document. Remove the `---` separator and what follows, or merge it into the first document."),
    YAML_NOT_MAPPING("yaml-not-mapping", ERROR, "Project file is not a mapping",
            "The top level of project.yaml must be a mapping with `version` and `actions` (and string keys)."),
    YAML_TOO_DEEP("yaml-too-deep", ERROR, "YAML nested too deeply",
            "The file nests collections deeper than any pipeline needs; it cannot be analysed."),
    YAML_RECURSIVE_ALIAS("yaml-recursive-alias", WARNING, "Collection refers to itself",
            "An alias (`*name`) inside the collection its anchor (`&name`) marks makes the collection contain itself. No pipeline needs that; the analysis reads the inner alias as empty. Remove the alias or point it at another collection."),
    ANALYSIS_INCOMPLETE("analysis-incomplete", WARNING, "File not fully analysed",
            "The analysis of this file hit one of its limits (time, memory or depth) or an internal error, so some problems may not be reported. The message says which; simplify the construct it names, or report the file to the opensafely-lsp maintainers."),

    // --- top level ------------------------------------------------------------------------------
    UNKNOWN_TOP_LEVEL_KEY("unknown-top-level-key", ERROR, "Unknown top-level key",
            "Only `version`, `actions` and `expectations` may appear at the top level. A misplaced action is often indented too little."),
    VERSION_MISSING("version-missing", ERROR, "Missing version",
            "project.yaml must say which version of the format it uses, e.g. `version: 4`."),
    VERSION_NOT_NUMBER("version-not-number", ERROR, "Version is not a number",
            "`version` must be a number between 1 and 5."),
    VERSION_TOO_NEW("version-too-new", ERROR, "Version newer than supported",
            "The newest project.yaml format is version 5."),
    VERSION_OUTDATED("version-outdated", WARNING, "Old project.yaml version",
            "The file uses an older format version; OpenSAFELY warns about it. Updating to version 5 brings stricter checks (no cohort-extractor, no `:latest`)."),
    ACTIONS_NOT_MAPPING("actions-not-mapping", ERROR, "Missing or invalid actions",
            "`actions` must be a mapping from action names to action definitions."),

    // --- actions --------------------------------------------------------------------------------
    RESERVED_ACTION_NAME("reserved-action-name", ERROR, "Reserved action name",
            "`run_all` is the name of the built-in action that runs everything. From version 5 it is an error to define it; before, the action is ignored. Rename it."),
    ACTION_NOT_MAPPING("action-not-mapping", ERROR, "Action is not a mapping",
            "Each action must be a mapping with at least `run` and `outputs`."),
    ACTION_MISSING_RUN("action-missing-run", ERROR, "Action has no run",
            "Each action needs a `run` command, such as `python:v2 python analysis/model.py`."),
    ACTION_MISSING_OUTPUTS("action-missing-outputs", ERROR, "Action has no outputs",
            "Each action must declare its `outputs` by privacy level."),
    UNKNOWN_ACTION_KEY("unknown-action-key", ERROR, "Unknown action key",
            "An action may only have `run`, `outputs`, `needs`, `config` and `dummy_data_file`."),
    OUTPUTS_NOT_MAPPING("outputs-not-mapping", ERROR, "Outputs is not a mapping",
            "`outputs` must be a mapping from privacy levels to named output paths."),
    RUN_NOT_STRING("run-not-string", ERROR, "Run is not a string",
            "`run` must be a single command line string."),
    NEEDS_NOT_LIST("needs-not-list", ERROR, "Needs is not a list",
            "`needs` must be a list of action names, e.g. `needs: [generate_dataset]`."),
    CONFIG_NOT_MAPPING("config-not-mapping", ERROR, "Config is not a mapping",
            "`config` must be a mapping; it is passed to the action as JSON."),
    DUMMY_DATA_FILE_NOT_STRING("dummy-data-file-not-string", ERROR, "dummy_data_file is not a string",
            "`dummy_data_file` must be a path."),
    ACTION_NAME_STYLE("action-name-style", WARNING, "Unusual action name",
            "Action names work best as letters, digits and underscores: other characters must be quoted on the command line and are easy to mistype in `needs`."),

    // --- outputs --------------------------------------------------------------------------------
    OUTPUTS_NO_PRIVACY_LEVEL("outputs-no-privacy-level", ERROR, "No privacy level in outputs",
            "`outputs` must have at least one of `highly_sensitive`, `moderately_sensitive`, `minimally_sensitive`."),
    UNKNOWN_OUTPUTS_KEY("unknown-outputs-key", ERROR, "Unknown privacy level",
            "The keys of `outputs` are privacy levels: `highly_sensitive`, `moderately_sensitive` or `minimally_sensitive`."),
    PRIVACY_LEVEL_NOT_MAPPING("privacy-level-not-mapping", ERROR, "Privacy level is not a mapping",
            "Each privacy level maps output names to paths, e.g. `dataset: output/dataset.csv.gz`."),
    OUTPUT_NOT_STRING("output-not-string", ERROR, "Output path is not a string",
            "Each output must be a path (a string)."),
    OUTPUT_PATH_BACKSLASH("output-path-backslash", ERROR, "Backslash in output path",
            "Output paths use forward slashes only."),
    OUTPUT_PATH_WILDCARD("output-path-wildcard", ERROR, "Unsupported wildcard in output path",
            "Only the `*` wildcard is supported in output paths; `**`, `?` and `[` are not."),
    OUTPUT_PATH_NO_EXTENSION("output-path-no-extension", ERROR, "Output path has no file extension",
            "Every output path must end in a file extension, such as `.csv`; a pattern may not end in `*`."),
    OUTPUT_PATH_EXTENSION_NOT_ALLOWED("output-path-extension-not-allowed", ERROR, "File type not allowed for moderately_sensitive",
            "Only .csv .jpg .jpeg .png .svg .svgz .html .txt .log .json .md files may be moderately_sensitive (released for review). Label other files highly_sensitive."),
    OUTPUT_PATH_NOT_NORMAL("output-path-not-normal", ERROR, "Output path not in standard form",
            "Output paths may not contain `//`, `.` or `..` components, or end in `/`."),
    OUTPUT_PATH_METADATA("output-path-metadata", ERROR, "Output in the metadata directory",
            "The top-level `metadata/` directory is reserved for job logs."),
    OUTPUT_PATH_ABSOLUTE("output-path-absolute", ERROR, "Absolute output path",
            "Output paths are relative to the study folder."),
    OUTPUT_PATH_NOT_UNIQUE("output-path-not-unique", ERROR, "Output path declared twice",
            "From version 2 each output path may be declared by only one output of one action."),

    // --- run ----------------------------------------------------------------------------------
    RUN_EMPTY("run-empty", ERROR, "Empty run command",
            "`run` must name an image and a command."),
    RUN_UNBALANCED_QUOTES("run-unbalanced-quotes", ERROR, "Unbalanced quotes in run",
            "The run command is split like a shell command line; close every quote and do not end it with a backslash."),
    IMAGE_VERSION_INVALID("image-version-invalid", ERROR, "Image without a valid version",
            "The first word of `run` is `image:version`, with a version like `v1`, `v2`, `dev` or `latest`."),
    COHORTEXTRACTOR_UNSUPPORTED("cohortextractor-unsupported", ERROR, "cohort-extractor not supported",
            "From version 4, cohort-extractor actions are not supported; use ehrQL, or keep the project at version 3."),
    LATEST_TAG_UNSUPPORTED("latest-tag-unsupported", ERROR, "`:latest` not supported",
            "From version 5 every image must be pinned to a version such as `:v2`."),
    LATEST_TAG("latest-tag", WARNING, "Image pinned to `:latest`",
            "`:latest` changes under your feet and version 5 rejects it. Pin a version such as `:v2`."),
    DUPLICATE_RUN_COMMAND("duplicate-run-command", ERROR, "Two actions with the same run command",
            "Two actions with the same `run` would produce the same outputs; OpenSAFELY rejects this."),
    RUN_FILE_MISSING("run-file-missing", ERROR, "File named in run does not exist",
            "The script, study definition or dataset definition that `run` names is not in the study folder, so the job would fail."),

    // --- needs --------------------------------------------------------------------------------
    NEEDS_COMMA_SEPARATED("needs-comma-separated", ERROR, "needs entries must be separated by commas",
            "A `needs` entry contains a space: write `needs: [a, b]`, not `needs: [a b]`."),
    NEEDS_NOT_STRING("needs-not-string", ERROR, "needs entry is not an action name",
            "Every `needs` entry must be the name of an action."),
    NEEDS_UNKNOWN_ACTION("needs-unknown-action", ERROR, "needs names an unknown action",
            "Every entry in `needs` must be the name of an action in this file."),
    NEEDS_SELF("needs-self", ERROR, "Action needs itself",
            "An action cannot depend on itself; OpenSAFELY's scheduler would never finish."),
    NEEDS_CYCLE("needs-cycle", ERROR, "Dependency cycle",
            "Actions that need each other in a cycle can never be scheduled."),
    NEEDS_DUPLICATE("needs-duplicate", WARNING, "needs entry repeated",
            "The same action appears twice in `needs`; remove the repeat."),

    // --- generate_cohort / generate-dataset -----------------------------------------------------
    GENERATE_COHORT_OUTPUT_COUNT("generate-cohort-output-count", ERROR, "generate_cohort needs exactly one privacy level",
            "A cohort-extractor `generate_cohort` action must declare its outputs under exactly one privacy level."),
    GENERATE_COHORT_OUTPUT_DIRECTORIES("generate-cohort-output-directories", ERROR, "generate_cohort outputs in several directories",
            "All outputs of `generate_cohort` must be in one directory, unless `--output-dir` is given."),
    GENERATE_DATASET_OUTPUT_LEVEL("generate-dataset-output-level", ERROR, "generate-dataset output not highly_sensitive",
            "Datasets hold patient-level data, so every output of `generate-dataset` must be `highly_sensitive`."),
    GENERATE_DATASET_MISSING_OUTPUT("generate-dataset-missing-output", ERROR, "generate-dataset without --output",
            "`generate-dataset` must be told where to write with `--output PATH`."),
    GENERATE_DATASET_OUTPUT_MISMATCH("generate-dataset-output-mismatch", ERROR, "--output does not match the outputs",
            "The `--output` of `generate-dataset` must be declared under `highly_sensitive` (or, for `DIR:EXT`, every output must match `DIR/*.EXT`)."),

    // --- expectations -------------------------------------------------------------------------
    EXPECTATIONS_UNSUPPORTED("expectations-unsupported", ERROR, "expectations not supported",
            "From version 4 `expectations` is not allowed; it only served cohort-extractor and can be removed."),
    EXPECTATIONS_MISSING("expectations-missing", ERROR, "expectations missing",
            "A version 3 project must have `expectations: {population_size: N}`."),
    EXPECTATIONS_NOT_MAPPING("expectations-not-mapping", ERROR, "expectations is not a mapping",
            "`expectations` must be a mapping with `population_size`."),
    EXPECTATIONS_MISSING_POPULATION_SIZE("expectations-missing-population-size", ERROR, "population_size missing",
            "`expectations` must include `population_size`, the number of dummy patients."),
    UNKNOWN_EXPECTATIONS_KEY("unknown-expectations-key", ERROR, "Unknown expectations key",
            "`expectations` may only contain `population_size`."),
    POPULATION_SIZE_NOT_INTEGER("population-size-not-integer", ERROR, "population_size is not a number",
            "`population_size` must be a whole number, such as 1000."),
    EXPECTATIONS_IGNORED("expectations-ignored", HINT, "expectations ignored at this version",
            "Only version 3 reads `expectations`; at this version OpenSAFELY uses 1000 dummy patients whatever it says."),

    // --- cohort-extractor study definitions (opensafely.lsp.study) ------------------------------
    STUDY_SYNTAX("study-syntax", ERROR, "Python syntax error",
            "The study definition is not valid Python, so cohort-extractor cannot import it. Fix the syntax at the marked place."),
    STUDY_UNDEFINED_NAME("study-undefined-name", ERROR, "Name not defined",
            "Code of the study definition (or of a module it imports) reads a name that nothing in the file defines or imports: Python stops with NameError. Import or define it, or correct the spelling."),
    STUDY_MISSING_STUDY("study-missing-study", ERROR, "No `study = StudyDefinition(...)`",
            "generate_cohort reads the module attribute `study`; a study definition file must assign a StudyDefinition to it."),
    STUDY_MISSING_POPULATION("study-missing-population", ERROR, "StudyDefinition without population",
            "StudyDefinition needs a `population=` variable: the patients (value 1) who form the cohort."),
    STUDY_UNKNOWN_FUNCTION("study-unknown-function", ERROR, "Unknown patients function",
            "cohort-extractor has no `patients.` function of this name; loading the study fails. Check the spelling."),
    STUDY_UNSUPPORTED_FUNCTION("study-unsupported-function", ERROR, "Function not supported by the backend",
            "This `patients.` function exists but the TPP backend that validates every study does not implement it."),
    STUDY_UNKNOWN_ARGUMENT("study-unknown-argument", ERROR, "Unknown argument",
            "The function has no parameter of this name; Python raises TypeError when the study is loaded."),
    STUDY_MISSING_ARGUMENT("study-missing-argument", ERROR, "Missing required argument",
            "The function needs this argument; without it loading the study fails."),
    STUDY_INVALID_RETURNING("study-invalid-returning", ERROR, "Invalid `returning` value",
            "The function does not support this `returning` value; cohort-extractor rejects it when the study is loaded."),
    STUDY_INVALID_VALUE("study-invalid-value", ERROR, "Value not allowed",
            "The argument only accepts the listed values; others are rejected when the study is loaded."),
    STUDY_WRONG_TYPE("study-wrong-type", WARNING, "Value of the wrong type",
            "The argument expects a different kind of value (a date string, a pair of dates, a bool, a codelist...)."),
    STUDY_CONFLICTING_ARGUMENTS("study-conflicting-arguments", ERROR, "Arguments that exclude each other",
            "These arguments cannot be combined (e.g. `between` with `on_or_before`/`on_or_after`)."),
    STUDY_INVALID_DATE("study-invalid-date", ERROR, "Invalid date or date expression",
            "Dates are `YYYY-MM-DD` or expressions such as `index_date - 1 year`, `first_day_of_month(index_date)`; units are day(s), month(s), year(s)."),
    STUDY_DATE_REFERENCE("study-date-reference", ERROR, "Invalid reference to a date variable",
            "A date expression may name another variable only if it is defined earlier, is a date, and has date_format YYYY-MM or YYYY-MM-DD."),
    STUDY_INVALID_DATE_FORMAT("study-invalid-date-format", ERROR, "Invalid date_format",
            "date_format is \"YYYY\", \"YYYY-MM\", \"YYYY-MM-DD\" or None (year only)."),
    STUDY_EXPRESSION_SYNTAX("study-expression-syntax", ERROR, "Invalid expression",
            "`satisfying`/`categorised_as` expressions allow variable names, numbers, short plain strings, AND OR NOT, comparisons, + - * / and parentheses."),
    STUDY_EXPRESSION_LOWERCASE("study-expression-lowercase-operator", ERROR, "Lower-case and/or/not",
            "cohort-extractor only accepts upper-case AND, OR and NOT in expressions."),
    STUDY_EXPRESSION_UNKNOWN_VARIABLE("study-expression-unknown-variable", ERROR, "Unknown variable in expression",
            "Every name in an expression must be a variable of the study (or a nested one given to the same call)."),
    STUDY_EXPRESSION_FORWARD_REFERENCE("study-expression-forward-reference", ERROR, "Variable used before it is defined",
            "Only `population` may refer to variables defined after it; move the variable up, or this one down."),
    STUDY_EXPRESSION_RESERVED_WORD("study-expression-reserved-word", ERROR, "Variable name is an SQL word",
            "Names such as `date`, `year`, `count`, `type` are SQL keywords to cohort-extractor and cannot be used in expressions; rename the variable."),
    STUDY_CATEGORIES("study-categories", ERROR, "Invalid category definitions",
            "categorised_as needs exactly one category whose definition is \"DEFAULT\", and keys of one type."),
    STUDY_SOURCE_REFERENCE("study-source-reference", ERROR, "Invalid source variable",
            "date_of / comparator_from / minimum_of / maximum_of must name variables defined earlier in the study."),
    STUDY_EXPECTATIONS_SCHEMA("study-expectations-schema", WARNING, "Invalid expectations",
            "Expectations (for dummy data) take keys date, rate, incidence, category, int, float, bool with the documented shapes; dummy data generation fails otherwise."),
    STUDY_EXPECTATIONS_RATIOS("study-expectations-ratios", WARNING, "Category ratios do not sum to 1",
            "The probabilities in category.ratios must be non-negative and add up to 1, or dummy data generation fails."),
    STUDY_EXPECTATIONS_INCIDENCE("study-expectations-incidence", WARNING, "Incidence outside 0..1",
            "incidence is the fraction of dummy patients with a value, greater than 0 and at most 1."),
    STUDY_EXPECTATIONS_DATE("study-expectations-date", WARNING, "Invalid expectations date",
            "date.earliest and date.latest are ISO dates or static date expressions (no variable references)."),
    STUDY_EXPECTATIONS_MISSING("study-expectations-missing", WARNING, "No expectations for dummy data",
            "The variable has no return_expectations and the study has no default_expectations, so dummy data generation fails."),
    STUDY_CODELIST_FILE_MISSING("study-codelist-file-missing", ERROR, "Codelist CSV file missing",
            "codelist_from_csv reads the file when the study is loaded; run `opensafely codelists update` or fix the path."),
    STUDY_CODELIST_COLUMN_MISSING("study-codelist-column-missing", ERROR, "Codelist column missing",
            "The column (or category column) named is not in the CSV header; loading the study fails with KeyError."),
    STUDY_CODELIST_SYSTEM("study-codelist-system", ERROR, "Codelist system not accepted",
            "The function only accepts codelists of certain coding systems (ctv3, snomed, icd10, opcs4)."),
    STUDY_CODELIST_NO_CATEGORIES("study-codelist-no-categories", ERROR, "Codelist has no categories",
            "returning=\"category\" and filter_codes_by_category need a codelist read with category_column=."),
    STUDY_DUPLICATE_VARIABLE("study-duplicate-variable", ERROR, "Variable defined twice",
            "Each variable name, including nested ones, must be unique in the study."),
    STUDY_RESERVED_NAME("study-reserved-name", ERROR, "patient_id is reserved",
            "Every output has a patient_id column; a variable may not use that name."),
    STUDY_MEASURE_UNKNOWN_VARIABLE("study-measure-unknown-variable", WARNING, "Measure names no variable",
            "A Measure's numerator, denominator and group_by are read from the cohort files: normally variables of the study (or \"population\"); a column added by a later action is fine."),
    STUDY_MEASURE_INVALID("study-measure-invalid", ERROR, "Invalid Measure",
            "A column may not be both numerator/denominator and in group_by."),
    STUDY_DEPRECATED_ARGUMENT("study-deprecated-argument", INFORMATION, "Deprecated argument",
            "This argument still works but has a modern replacement (`returning=`, `date_format=`)."),
    STUDY_UNUSED("study-unused", HINT, "Study definition not used by project.yaml",
            "No generate_cohort action in project.yaml runs this study definition."),
    // --- ehrQL dataset definitions ---------------------------------------------------------
    EHRQL_SYNTAX("ehrql-syntax", ERROR, "Python syntax error",
            "ehrQL runs the dataset definition as Python; a syntax error stops it before anything is checked. Fix the syntax at the marked place."),
    EHRQL_UNKNOWN_IMPORT("ehrql-unknown-import", ERROR, "Unknown ehrQL module or name",
            "The module or name is not part of ehrQL. Import from `ehrql`, `ehrql.codes` or a table module such as `ehrql.tables.tpp`."),
    EHRQL_UNKNOWN_TABLE("ehrql-unknown-table", ERROR, "Unknown table",
            "The table module has no table of that name. Check the spelling, or import it from the schema that has it (core, tpp, emis...)."),
    EHRQL_UNKNOWN_COLUMN("ehrql-unknown-column", ERROR, "Unknown column",
            "The table (or frame made from it) has no column or helper of that name. Check the spelling against the table's schema."),
    EHRQL_UNKNOWN_METHOD("ehrql-unknown-method", ERROR, "Method not available",
            "This series or frame has no such method: it does not exist, or not for this value type or level (for example an aggregation on a series that already has one value per patient)."),
    EHRQL_UNKNOWN_ATTRIBUTE("ehrql-unknown-attribute", ERROR, "Unknown attribute",
            "The ehrQL object (dataset, measures, duration, INTERVAL...) has no attribute of that name."),
    EHRQL_WRONG_TYPE("ehrql-wrong-type", ERROR, "Value of the wrong type",
            "ehrQL checks types strictly: a series can only be compared or combined with a value of the same type, and each argument must have the kind ehrQL expects."),
    EHRQL_INT_FLOAT("ehrql-int-float-mix", ERROR, "Integer and float mixed",
            "ehrQL does not mix int and float series (or an int series with a float literal). Convert one side with `.as_float()` or `.as_int()`."),
    EHRQL_INVALID_CODE("ehrql-invalid-code", ERROR, "Code does not match its coding system",
            "A string compared with a code column is converted to that column's code system and must match its pattern; a code from another system (CTV3 against SNOMED CT, say) fails."),
    EHRQL_INVALID_DATE("ehrql-invalid-date", ERROR, "Invalid date",
            "ehrQL accepts dates as `datetime.date` or strings strictly in `YYYY-MM-DD` form, and the date must exist."),
    EHRQL_DIFFERENT_FRAMES("ehrql-different-frames", ERROR, "Series from different event tables combined",
            "Two series with many values per patient can only be combined when they come from the same table. Aggregate one first, pick one row with sort_by(...).first_for_patient(), or use is_in."),
    EHRQL_FIRST_WITHOUT_SORT("ehrql-first-without-sort", ERROR, "first_for_patient without sort_by",
            "first_for_patient()/last_for_patient() need a sorted frame: call sort_by(...) first."),
    EHRQL_PYTHON_BOOLEAN("ehrql-python-boolean-operator", ERROR, "Python and/or/not on a series",
            "`and`, `or`, `not`, chained comparisons and `if` cannot be used with ehrQL series. Use `&`, `|` and `~`, with parentheses around each comparison."),
    EHRQL_OPERATOR_PRECEDENCE("ehrql-operator-precedence", ERROR, "& or | binds before the comparison",
            "`&` and `|` bind more tightly than `==`, `<`...: `a == 1 | b == 2` means `a == (1 | b) == 2`. Put parentheses around each comparison."),
    EHRQL_EVENT_LEVEL_COLUMN("ehrql-event-level-column", ERROR, "Dataset column with many values per patient",
            "A dataset column needs one value per patient. Aggregate the event series (count_for_patient, exists_for_patient, maximum_for_patient...) or pick one row with sort_by(...).first_for_patient()."),
    EHRQL_NOT_A_SERIES("ehrql-not-a-series", ERROR, "Dataset column is not a series",
            "A dataset column must be an ehrQL series: not a frame (add the column name), a Python value, a date difference (add .days/.years...), a tuple (remove the trailing comma), or an uncalled method (add parentheses)."),
    EHRQL_INVALID_COLUMN_NAME("ehrql-invalid-column-name", ERROR, "Invalid column name",
            "Column names must start with a letter and contain only letters, digits and underscores."),
    EHRQL_RESERVED_COLUMN_NAME("ehrql-reserved-column-name", ERROR, "Reserved column name",
            "`patient_id`, `population` and `dummy_data_config` cannot be dataset columns; names of dataset methods are accepted but then hide the method."),
    EHRQL_COLUMN_REASSIGNED("ehrql-column-reassigned", ERROR, "Column set twice",
            "A dataset column can be set only once. Rename one of them, or build the value in a Python variable first."),
    EHRQL_UNDEFINED_COLUMN("ehrql-undefined-column", ERROR, "Column read before it is set",
            "Reading `dataset.x` gives the series stored under x; it must have been set earlier in the file."),
    EHRQL_UNDEFINED_NAME("ehrql-undefined-name", ERROR, "Name not defined",
            "Module-level code reads a name that nothing in the file defines or imports: Python stops with NameError. Import or define it, or correct the spelling."),
    EHRQL_UNKNOWN_KEYWORD("ehrql-unknown-keyword", ERROR, "Keyword argument a function does not take",
            "A call to a function of the study passes a keyword the function has no parameter for: Python stops with TypeError. Correct the spelling or add the parameter."),
    EHRQL_MISSING_DEFINITION("ehrql-missing-definition", ERROR, "No dataset or measures to run",
            "A file run with generate-dataset must set a module-level `dataset = create_dataset()`; one run with generate-measures a `measures = create_measures()`."),
    EHRQL_MISSING_POPULATION("ehrql-missing-population", ERROR, "No population defined",
            "A dataset run by generate-dataset must call `dataset.define_population(...)` with a boolean patient series."),
    EHRQL_POPULATION_TWICE("ehrql-population-defined-twice", ERROR, "define_population called twice",
            "define_population may be called only once. Combine the conditions with `&` in one call."),
    EHRQL_INVALID_POPULATION("ehrql-invalid-population", ERROR, "Population is not a boolean patient series",
            "The population condition must be a boolean series with one value per patient, such as `practice_registrations.for_patient_on(date).exists_for_patient()`."),
    EHRQL_DUMMY_DATA_ARGUMENT("ehrql-dummy-data-argument", ERROR, "Invalid configure_dummy_data argument",
            "configure_dummy_data takes only keyword arguments: population_size (int), legacy (bool), timeout (seconds) and additional_population_constraint (a boolean patient series, not with legacy=True)."),
    EHRQL_MEASURE_ARGUMENT("ehrql-measure-argument", ERROR, "Invalid measure argument",
            "define_measure/define_defaults take name, numerator, denominator (boolean or integer patient series), group_by (a dict of names to patient series) and intervals; every measure needs all of them, from the call or from define_defaults."),
    EHRQL_MEASURE_NAME("ehrql-measure-name", ERROR, "Invalid or duplicate measure or group name",
            "Measure and group_by names must start with a letter and contain only letters, digits and underscores; measure names must be unique, and group names may not be measure, numerator, denominator, ratio, interval_start or interval_end."),
    EHRQL_INVALID_INTERVAL("ehrql-invalid-interval", ERROR, "Invalid measure intervals",
            "Intervals come from a duration with a literal count and a literal start or end date: `months(12).starting_on(\"2022-01-01\")`."),
    EHRQL_CODELIST_FILE_MISSING("ehrql-codelist-file-missing", ERROR, "Codelist CSV file missing",
            "codelist_from_csv reads the file relative to the study folder (where project.yaml is); no file is there. Run `opensafely codelists update` or fix the path."),
    EHRQL_CODELIST_COLUMN_MISSING("ehrql-codelist-column-missing", ERROR, "Codelist column missing",
            "codelist_from_csv needs `column=` naming a column of the CSV header (and category_column=, when given, must be one too)."),
    EHRQL_CODELIST_SYSTEM("ehrql-codelist-system", ERROR, "Codelist codes do not match the column's system",
            "The codes in the CSV do not match the code system of the column they are compared with (a CTV3 codelist against snomedct_code, say); ehrQL fails when it converts them. Use the codelist for this column's system."),
    EHRQL_UNKNOWN_CATEGORY("ehrql-unknown-category", WARNING, "Value is not one of the column's categories",
            "The column only ever holds the listed categories, so this comparison is never true. Check the spelling and case."),
    EHRQL_PERMISSION("ehrql-permission", INFORMATION, "Restricted table",
            "The table needs a permission: the project must have it on the server, and local runs on dummy data need `claim_permissions(\"<name>\")` in the definition."),

    // --- files that definitions read (codelist CSVs, sibling modules) -------------------------------
    FILE_OUTSIDE_STUDY("file-outside-study", WARNING, "Link to a file outside the study",
            "The file named here is a symbolic link to something outside the study folder (or not a regular file), so it is not read:"
                    + " a study is checked out on its own, and a link may show what lies outside it. Commit the file itself instead of a link."),
    CODELIST_HEADER_TOO_LONG("codelist-header-too-long", WARNING, "Codelist CSV header too long",
            "The first line of the CSV is far longer than a header of column names, so the file is not read as a codelist."
                    + " Check that it is the codelist CSV (download it again with `opensafely codelists update`)."),

    // --- codelists/codelists.txt ------------------------------------------------------------------
    CODELISTS_TXT_INVALID_LINE("codelists-txt-invalid-line", ERROR, "Line of codelists.txt is not a codelist",
            "Each line of codelists/codelists.txt names one codelist as in its OpenCodelists address, organisation/codelist/version"
                    + " or user/username/codelist/version, and nothing else: the id becomes a URL and a file name. Copy it from the"
                    + " codelist's page; put a comment on a line of its own, starting with #. A warning where `opensafely codelists update`"
                    + " may accept the line but this tool refuses it."),
    CODELISTS_TXT_DUPLICATE("codelists-txt-duplicate", WARNING, "Codelist listed twice in codelists.txt",
            "`opensafely codelists update` and `codelists check` refuse a codelists.txt that lists a codelist twice, at the"
                    + " same version or at two versions (a study uses one version of a codelist), although jobs still run on the"
                    + " CSVs already committed. Keep one of the lines."),

    // --- moderately_sensitive outputs (tooling spec §4): a checker decides, so all are warnings -----------------
    OUTPUT_TOO_LARGE("output-too-large", WARNING, "Output larger than Level 4 accepts",
            "job-runner does not copy a moderately_sensitive file larger than 16 MiB to Level 4, so it cannot be reviewed or"
                    + " released. Write an aggregate table that is smaller, or split it."),
    OUTPUT_FILE_TYPE("output-file-type", WARNING, "Output file type not allowed at Level 4",
            "job-runner copies to Level 4 only .csv .jpg .jpeg .png .svg .svgz .html .txt .log .json .md files (the suffix after"
                    + " the last dot: x.csv.gz is .gz). Write the output as one of these, e.g. an uncompressed .csv, or make it highly_sensitive."),
    OUTPUT_TOO_MANY_ROWS("output-too-many-rows", WARNING, "Output CSV has more than 5000 rows",
            "job-runner does not copy a moderately_sensitive CSV with more than 5000 data rows to Level 4. Aggregate further,"
                    + " or split the table."),
    OUTPUT_PATIENT_ID_COLUMN("output-patient-id-column", WARNING, "Output CSV has a patient_id column",
            "job-runner does not copy a moderately_sensitive CSV with a `patient_id` column to Level 4: patient-level data is"
                    + " never released. Make the output highly_sensitive, or drop the column if the table is aggregate."),
    OUTPUT_SMALL_COUNT("output-small-count", WARNING, "Count of 7 or fewer",
            "Any count of 1 to 7 people or events must be redacted (written [REDACTED]) or merged with another group before"
                    + " release, and totals recomputed."),
    OUTPUT_UNROUNDED_COUNT("output-unrounded-count", WARNING, "Count not rounded",
            "Counts must be rounded to the nearest 5 after redaction (in a column named *_midpoint6: 0, or ceil(x/6)*6-3; in"
                    + " *_midpoint6_derived: a multiple of 6). Round in the code that writes the table."),
    OUTPUT_TOTAL_MISMATCH("output-total-mismatch", WARNING, "Total is not the sum of the rounded values",
            "After rounding, a total must be the sum of the rounded values it totals, or the difference reveals the"
                    + " unrounded counts. Compute the total from the rounded values."),
    OUTPUT_RATE_SMALL_COUNT("output-rate-small-count", WARNING, "Percentage or rate beside a small or redacted count",
            "A percentage or rate computed from a count of 7 or fewer, or from one that was redacted, reveals the count."
                    + " Redact it as well, or compute it from the rounded counts of merged groups."),
    OUTPUT_PATIENT_LEVEL("output-patient-level", WARNING, "Output looks like one row per patient",
            "A moderately_sensitive output must be aggregate. A column of distinct patient identifiers or of exact dates of"
                    + " birth says the table has a row per patient: make it highly_sensitive, or aggregate it."),
    OUTPUT_FIGURE_WITHOUT_DATA("output-figure-without-data", WARNING, "Figure without its data",
            "A figure is released only with the aggregate data it shows. Have the same action also write that data as a"
                    + " moderately_sensitive CSV (with its counts redacted and rounded)."),
    // --- analysis scripts: what they read and write, against project.yaml and the definitions -------
    SCRIPT_MISSING_NEEDS("script-missing-needs", ERROR, "Script reads an output of an action it does not need",
            "The script reads a file that only another action makes, and the action that runs the script does not need that action"
                    + " (directly or through its needs). job-runner copies into a job only the outputs of the actions it needs, so the"
                    + " job fails when it opens the file. Add that action to `needs` (the quick fix on project.yaml does)."),
    SCRIPT_INPUT_MISSING("script-input-missing", WARNING, "Script reads a file nothing makes",
            "The script reads a file that no action of project.yaml declares as an output and that the study folder does not"
                    + " hold, so the job will not find it. Fix the path, or declare the file as an output of the action that writes it"
                    + " and add that action to `needs`."),
    SCRIPT_OUTPUT_UNDECLARED("script-output-undeclared", HINT, "Script writes a file no output declares",
            "The script writes a file that no output pattern of its action matches, so job-runner discards it when the job ends."
                    + " Declare it under `outputs:` if you need it (moderately_sensitive for a table or figure to release); ignore this"
                    + " for a temporary file."),
    SCRIPT_OUTPUT_NEVER_WRITTEN("script-output-never-written", WARNING, "Output pattern the script never writes",
            "Every file the script writes is known, and none matches this output pattern, so the job will fail with \"No outputs"
                    + " found matching patterns\". Change the pattern to the file the script writes, or make the script write it."),
    SCRIPT_UNKNOWN_COLUMN("script-unknown-column", WARNING, "Column not in the dataset",
            "The script reads a column of a dataset by a name that the dataset or study definition that makes the file does not"
                    + " define (its columns are patient_id and its variables), so the script fails on real data. Use the variable's name"
                    + " (did-you-mean names the closest), or add the variable to the definition."),
    // --- after a run (the editor's Run of an action; not reported by check) -------------------------
    RUN_FAILED("run-failed", ERROR, "Action failed when run",
            "The last run of this action on dummy data failed. The message gives the exit code or status, the last lines of"
                    + " the log and the log file (metadata/<action>.log); fix the script or the command, then run the action again."),
    RUN_UNMATCHED_OUTPUT("run-unmatched-output", ERROR, "Output pattern matched no file when run",
            "The last run of the action wrote no file this output pattern matches, so the job failed (as on the server). Change the"
                    + " pattern to the file the script writes (did-you-mean names it), or make the script write the declared file."),
    RUN_MISSING_NEEDS("run-missing-needs", ERROR, "Action reads an output it does not need",
            "The last run of this action failed, and its log names an output of another action that is not in its `needs`, so the file"
                    + " was not in the job's folder (as on the server). Add that action to `needs`."),
    ;

    /**
     * Where the rule catalogue is read on the web: docs/rules.md on the project's repository (the
     * repository of vscode-extension/package.json; a test keeps the two in step).
     */
    public static final String CATALOGUE_URL = "https://github.com/opensafely-lsp/opensafely-lsp/blob/main/docs/rules.md";

    private static final Map<String, Rule> BY_ID =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Rule::id, Function.identity()));

    private final String id;
    private final Severity defaultSeverity;
    private final String title;
    private final String help;

    Rule(String id, Severity defaultSeverity, String title, String help) {
        this.id = id;
        this.defaultSeverity = defaultSeverity;
        this.title = title;
        this.help = help;
    }

    public String id() {
        return id;
    }

    public Severity defaultSeverity() {
        return defaultSeverity;
    }

    public String title() {
        return title;
    }

    public String help() {
        return help;
    }

    /** This rule's entry in the catalogue: its heading, `## `id``, renders on GitHub with the anchor #id. */
    public String documentationUrl() {
        return CATALOGUE_URL + "#" + id;
    }

    public static Rule byId(String id) {
        return BY_ID.get(id);
    }
}
