package opensafely.lsp.scripts;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import opensafely.lsp.Mutator;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Range;
import org.junit.jupiter.api.Test;

/**
 * The R and Stata readers on garbage, mutated and truncated scripts, and on pathological nesting and loops: they never
 * throw, every range lies inside the text, and each read finishes fast.
 */
class ScriptReaderRobustnessTest {
    private static final String R_SCRIPT = """
            library(tidyverse)
            source(here::here("analysis", "utils.R"))
            for (g in c("sex", "age")) {
              df <- read_csv(paste0("output/", g, ".csv")) %>% filter(x > 1) |> mutate(y = x * 2)
              write_csv(df, glue::glue("output/out_{g}.csv")); ggsave(sprintf("output/%s.png", g))
            }
            f <- function(a, b = "output") { saveRDS(a, file.path(b, "m.rds")) }
            f(df)
            x <- r"(raw "string")"; `odd name` <- df$`a b`[["c"]]
            """;
    private static final String STATA_SCRIPT = """
            global projectdir `c(pwd)'
            local f "output/a.csv"
            import delimited using "`f'", clear /* comment */
            foreach v in a b {
                gen `v'_2 = age * 2 if sex == "F" ///
                    & region != ""
                export delimited using "$projectdir/output/`v'.csv", replace
            }
            #delimit ;
            save "output/x.dta", replace;
            #delimit cr
            forvalues i = 1/3 {
              graph export "output/g`i'.png"
            }
            """;

    @Test
    void randomAndMutatedScriptsNeverThrowAndFinishFast() throws IOException {
        List<String> seeds = new ArrayList<>(List.of(R_SCRIPT, STATA_SCRIPT));
        for (String example : List.of("../examples/typical-mistakes/analysis/model.R", "../examples/clean-study/analysis/summarise.R")) {
            Path p = Path.of(example);
            if (Files.isRegularFile(p)) seeds.add(Files.readString(p));
        }
        Mutator mutator = new Mutator(new Random(20261206L));
        List<ScriptReader> readers = List.of(new RScriptReader(), new StataScriptReader());
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 3000; i++) {
                String seed = seeds.get(i % seeds.size());
                String text = switch (i % 5) {
                    case 0 -> mutator.garbage(mutator.random().nextInt(3000));
                    case 1 -> seed.substring(0, mutator.random().nextInt(seed.length() + 1));
                    default -> mutator.mutate(seed);
                };
                for (ScriptReader reader : readers) check(reader, text);
            }
        });
    }

    @Test
    void pathologicalInputsStayBounded() {
        List<String> inputs = List.of(
                "(".repeat(100_000), "{".repeat(50_000) + "}".repeat(10), "f(".repeat(40_000),
                "x <- " + "paste0(".repeat(5_000) + "'a'" + ")".repeat(5_000),
                "for (a in c('1','2','3','4','5','6','7','8','9','10','11','12')) {\n".repeat(30)
                        + "write_csv(d, paste0('output/', a, '.csv'))\n" + "}\n".repeat(30),
                "f <- function() g()\ng <- function() f()\nf()\n",
                "foreach a in 1 2 3 4 5 6 7 8 9 10 11 12 {\n".repeat(30) + "save \"output/`a'.dta\"\n" + "}\n".repeat(30),
                "`".repeat(50_000), "/*".repeat(50_000), "\"".repeat(50_000), "#delimit ;\n" + "x ///\n".repeat(20_000),
                "r\"(" + "x".repeat(100_000), "local a `b'\n".repeat(20_000));
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (String text : inputs) {
                check(new RScriptReader(), text);
                check(new StataScriptReader(), text);
            }
        });
    }

    private static void check(ScriptReader reader, String text) {
        long start = System.nanoTime();
        // the walks themselves, not read(), which would turn a failure into an empty answer
        ScriptUses uses = reader instanceof RScriptReader ? new RScriptReader.Walk(text).run()
                : new StataScriptReader.Walk(text).run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 5_000, () -> "took " + millis + " ms on: " + text.substring(0, Math.min(200, text.length())));
        LineIndex lines = new LineIndex(text);
        List<Range> ranges = new ArrayList<>();
        uses.files().forEach(f -> ranges.add(f.range()));
        uses.columns().forEach(c -> ranges.add(c.range()));
        ranges.addAll(uses.unresolvedReads());
        ranges.addAll(uses.unresolvedWrites());
        for (Range r : ranges) {
            int s = lines.offset(r.start());
            int e = lines.offset(r.end());
            assertTrue(s <= e && lines.position(s).equals(r.start()) && lines.position(e).equals(r.end()),
                    () -> "range " + r + " outside the text");
        }
    }
}
