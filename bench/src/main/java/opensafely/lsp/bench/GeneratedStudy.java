package opensafely.lsp.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a large, valid study shaped like the real post-COVID projects: per cohort and subgroup an
 * ehrQL generate-dataset action, a cleaning step, one model per outcome (R and Python), a table and a
 * plot, chained through `needs` (flow and block style), outputs at all three privacy levels, and
 * summary actions with long `needs` lists. Every script the run commands name is created, so the
 * file-existence rules find them. Meant to check clean: the benchmark then measures analysis, not
 * the printing of thousands of findings.
 */
final class GeneratedStudy {
    private static final String[] COHORTS = {"prevax", "vax", "unvax"};
    private static final String[] SUBGROUPS = {"main", "sub_sex_female", "sub_sex_male", "sub_age_18_39",
        "sub_age_40_59", "sub_age_60_79", "sub_age_80_110", "sub_ethnicity_white", "sub_ethnicity_black",
        "sub_ethnicity_asian", "sub_covidhospital_true", "sub_covidhospital_false", "sub_history_none"};
    private static final String[] OUTCOMES = {"dementia", "parkinson_disease", "motor_neurone_disease",
        "multiple_sclerosis", "migraine", "restless_leg_syndrome"};
    private static final int ACTIONS_PER_GROUP = 10;

    private final StringBuilder yaml = new StringBuilder();
    private final Set<String> scripts = new LinkedHashSet<>();
    private final List<String> datasetDefinitions = new ArrayList<>();
    private int actions;

    private GeneratedStudy() {
    }

    static void write(int actionCount, Path study) throws IOException {
        if (actionCount < 2) throw new IllegalArgumentException("need at least 2 actions");
        GeneratedStudy g = new GeneratedStudy();
        g.build(actionCount);
        Files.createDirectories(study);
        Files.writeString(study.resolve("project.yaml"), g.yaml, StandardCharsets.UTF_8);
        for (String s : g.scripts) {
            Path p = study.resolve(s);
            Files.createDirectories(p.getParent());
            Files.writeString(p, s.endsWith(".py") ? "# placeholder script\n" : "# placeholder R script\n");
        }
        for (String d : g.datasetDefinitions) {
            Path p = study.resolve(d);
            Files.createDirectories(p.getParent());
            // A complete (if tiny) dataset definition, so that the study still checks clean now that check
            // also analyses the Python under analysis/.
            Files.writeString(p, """
                    from ehrql import create_dataset
                    from ehrql.tables.core import patients

                    dataset = create_dataset()
                    dataset.define_population(patients.date_of_birth.is_not_null())
                    dataset.sex = patients.sex
                    """);
        }
        System.err.println("generated study " + study.toAbsolutePath() + ": " + g.actions + " actions, "
                + g.yaml.toString().lines().count() + " lines, " + (g.scripts.size() + g.datasetDefinitions.size()) + " scripts");
    }

    private void build(int n) {
        yaml.append("version: '5.0'\n\nactions:\n\n");
        yaml.append("  ## Study dates shared by every cohort\n");
        action("study_dates");
        run("r:v2 analysis/study_dates.R");
        script("analysis/study_dates.R");
        yaml.append("    outputs:\n      highly_sensitive:\n        study_dates_json: output/study_dates.json\n\n");

        List<String> plots = new ArrayList<>();
        int group = 0;
        while (actions + ACTIONS_PER_GROUP <= n - 1) { // keep at least one slot for a summary action
            plots.add(group(group++));
        }
        int summaries = n - actions;
        for (int k = 0; k < summaries; k++) {
            int from = plots.size() * k / summaries;
            int to = plots.size() * (k + 1) / summaries;
            summary(k + 1, plots.subList(from, Math.max(from, to)));
        }
    }

    /** One cohort x subgroup: ten actions. Returns the name of its last action (the plot). */
    private String group(int g) {
        String cohort = COHORTS[g % COHORTS.length];
        String subgroup = SUBGROUPS[(g / COHORTS.length) % SUBGROUPS.length];
        int repeat = g / (COHORTS.length * SUBGROUPS.length);
        String core = cohort + "_" + subgroup + (repeat > 0 ? "_sens" + repeat : "");
        yaml.append("  ## ").append(core).append('\n');

        String generate = "generate_input_" + core;
        String definition = "analysis/dataset_definition/dataset_definition_" + core + ".py";
        String dataset = "output/dataset_definition/input_" + core + ".arrow";
        datasetDefinitions.add(definition);
        action(generate);
        if (g % 2 == 0) {
            run("ehrql:v1 generate-dataset " + definition + " --output " + dataset);
        } else { // a plain scalar folded over two lines, as the R generator of the real project writes it
            yaml.append("    run: ehrql:v1 generate-dataset ").append(definition).append('\n')
                .append("      --output ").append(dataset).append('\n');
        }
        yaml.append("    needs: [study_dates]\n");
        yaml.append("    outputs:\n      highly_sensitive:\n        cohort: ").append(dataset).append("\n\n");

        String clean = "clean_" + core;
        action(clean);
        run("r:v2 analysis/dataset_clean/dataset_clean.R " + core);
        script("analysis/dataset_clean/dataset_clean.R");
        yaml.append("    needs:\n    - ").append(generate).append("\n    - study_dates\n");
        yaml.append("    outputs:\n      highly_sensitive:\n        cohort_clean: output/dataset_clean/input_")
            .append(core).append("_clean.rds\n");
        yaml.append("      moderately_sensitive:\n        flow: output/dataset_clean/flow_").append(core)
            .append(".csv\n        describe: output/dataset_clean/describe_").append(core).append(".txt\n\n");

        List<String> models = new ArrayList<>();
        for (int o = 0; o < OUTCOMES.length; o++) {
            String outcome = OUTCOMES[o];
            String model = "cox_ipw_" + outcome + "_" + core;
            models.add(model);
            action(model);
            if (o % 3 == 2) {
                run("python:v2 analysis/model/logistic.py --outcome " + outcome + " --cohort " + core);
                script("analysis/model/logistic.py");
            } else {
                run("r:v2 analysis/model/cox_ipw.R cox_ipw-" + outcome + "-" + core);
                script("analysis/model/cox_ipw.R");
            }
            yaml.append("    needs: [").append(clean).append("]\n");
            yaml.append("    outputs:\n      moderately_sensitive:\n        model_output: output/model/model_output-")
                .append(outcome).append('-').append(core).append(".csv\n\n");
        }

        String table = "table1_" + core;
        action(table);
        run("python:v2 analysis/table/table1.py --cohort " + core);
        script("analysis/table/table1.py");
        yaml.append("    needs: [").append(clean).append(", study_dates]\n");
        yaml.append("    outputs:\n      moderately_sensitive:\n        table1: output/table/table1_").append(core)
            .append(".csv\n        table1_midpoint6: output/table/table1_").append(core).append("_midpoint6.csv\n\n");

        String plot = "plot_" + core;
        action(plot);
        run("r:v2 analysis/plot/plot_estimates.R " + core);
        script("analysis/plot/plot_estimates.R");
        yaml.append("    needs:\n");
        for (String m : models) yaml.append("    - ").append(m).append('\n');
        yaml.append("    - ").append(table).append('\n');
        yaml.append("    outputs:\n      moderately_sensitive:\n        plot: output/plot/estimates_").append(core)
            .append(".png\n        plot_svg: output/plot/estimates_").append(core).append("*.svg\n");
        yaml.append("      minimally_sensitive:\n        rounded: output/plot/estimates_").append(core)
            .append("_rounded.txt\n\n");
        return plot;
    }

    private void summary(int k, List<String> needs) {
        yaml.append("  ## Combined output, part ").append(k).append('\n');
        action("make_model_output_part" + k);
        run("r:v2 analysis/make_output/make_model_output.R part" + k);
        script("analysis/make_output/make_model_output.R");
        if (!needs.isEmpty()) {
            yaml.append("    needs:\n");
            for (String n : needs) yaml.append("    - ").append(n).append('\n');
        }
        yaml.append("    outputs:\n      moderately_sensitive:\n        model_output: output/make_output/model_output_part")
            .append(k).append(".csv\n        model_output_midpoint6: output/make_output/model_output_part").append(k)
            .append("_*_midpoint6.csv\n\n");
    }

    private void action(String name) {
        yaml.append("  ").append(name).append(":\n");
        actions++;
    }

    private void run(String command) {
        yaml.append("    run: ").append(command).append('\n');
    }

    private void script(String path) {
        scripts.add(path);
    }
}
