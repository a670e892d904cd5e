package opensafely.lsp.scripts;

import static opensafely.lsp.scripts.ScriptAssertions.assertColumns;
import static opensafely.lsp.scripts.ScriptAssertions.assertFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link RScriptReader} finds in R scripts: one test per construct, with exact ranges. */
class RScriptReaderTest {
    private final RScriptReader r = new RScriptReader();

    @Test
    void readsOfEveryKnownFunction() {
        assertFiles(r, """
                a <- read.csv(«"output/a.csv"»)
                b <- readr::read_csv(«"output/b.csv.gz"»)
                c <- read_csv_arrow(«"output/c.csv"»)
                d <- arrow::read_feather(«"output/d.arrow"»)
                e <- arrow::read_parquet(«"output/e.parquet"»)
                f <- readRDS(«"output/f.rds"»)
                g <- data.table::fread(«"output/g.csv"»)
                h <- haven::read_dta(«"output/h.dta"»)
                load(«"output/i.RData"»)
                """,
                "READ output/a.csv read.csv #0", "READ output/b.csv.gz readr::read_csv #1",
                "READ output/c.csv read_csv_arrow #2", "READ output/d.arrow arrow::read_feather #3",
                "READ output/e.parquet arrow::read_parquet #4", "READ output/f.rds readRDS #5",
                "READ output/g.csv data.table::fread #6", "READ output/h.dta haven::read_dta #7",
                "READ output/i.RData load #8");
    }

    @Test
    void writesOfEveryKnownFunction() {
        assertFiles(r, """
                write.csv(df, file = «"output/a.csv"», row.names = FALSE)
                readr::write_csv(df, «"output/b.csv"»)
                arrow::write_feather(df, «"output/c.arrow"»)
                saveRDS(df, «"output/d.rds"»)
                fwrite(df, «"output/e.csv"»)
                ggsave(«"output/f.png"», plot = p)
                ggsave(plot = p, filename = «"output/g.svg"»)
                png(«"output/h.png"»)
                write_dta(df, «"output/i.dta"»)
                sink(«"output/j.txt"»)
                writeLines(x, «"output/k.txt"»)
                cat("n =", n, file = «"output/l.txt"»)
                save(df, file = «"output/m.RData"»)
                ggsave(«"fig.png"», path = «"output/figures"»)
                """,
                "WRITE output/a.csv write.csv #0", "WRITE output/b.csv readr::write_csv #1",
                "WRITE output/c.arrow arrow::write_feather #2", "WRITE output/d.rds saveRDS #3",
                "WRITE output/e.csv fwrite #4", "WRITE output/f.png ggsave #5", "WRITE output/g.svg ggsave #6",
                "WRITE output/h.png png #7", "WRITE output/i.dta write_dta #8", "WRITE output/j.txt sink #9",
                "WRITE output/k.txt writeLines #10", "WRITE output/l.txt cat #11", "WRITE output/m.RData save #12",
                "WRITE output/figures/fig.png ggsave #13");
    }

    @Test
    void callsWithoutAFileWriteNothing() {
        ScriptUses u = r.read("write.csv(df)\nsink()\ncat('done')\nwriteLines(x)\nfs::dir_create(here::here('output'))\n"
                + "dir.create('output/figures')\n");
        assertEquals(List.of(), u.files());
        assertTrue(u.writesResolved());
    }

    @Test
    void sourceReadsTheCodeAndLeavesWritesOpen() {
        assertFiles(r, "«source(«here::here(\"analysis\", \"utils.R\")»)»\n", "READ analysis/utils.R source #1");
        assertEquals(List.of("#0"), ScriptAssertions.unresolvedWrites(r, "«source(«here::here(\"analysis\", \"utils.R\")»)»\n"));
    }

    @Test
    void variablesAssignedEveryWay() {
        assertFiles(r, """
                a <- "output/a.csv"
                b = "output/b.csv"
                "output/c.csv" -> c
                x <- read_csv(«a»); y <- read_csv(«b»)
                z <- read_csv(«c»)
                """,
                "READ output/a.csv read_csv #0", "READ output/b.csv read_csv #1", "READ output/c.csv read_csv #2");
    }

    @Test
    void pasteFilePathHereGlueSprintf() {
        assertFiles(r, """
                dir <- "output"
                name <- "rates"
                write_csv(df, «paste0(dir, "/", name, ".csv")»)
                write_csv(df, «paste(dir, "b.csv", sep = "/")»)
                write_csv(df, «file.path(dir, "c.csv")»)
                write_csv(df, «here::here("output", "tables", "d.csv")»)
                write_csv(df, «here("e.csv")»)
                write_csv(df, «glue::glue("output/{name}_f.csv")»)
                write_csv(df, «sprintf("output/%s_g.csv", name)»)
                write_csv(df, «"./output//h.csv"»)
                """,
                "WRITE output/rates.csv write_csv #0", "WRITE output/b.csv write_csv #1", "WRITE output/c.csv write_csv #2",
                "WRITE output/tables/d.csv write_csv #3", "WRITE e.csv write_csv #4",
                "WRITE output/rates_f.csv write_csv #5", "WRITE output/rates_g.csv write_csv #6",
                "WRITE output/h.csv write_csv #7");
    }

    @Test
    void unknownPartsBecomeStarsWhenTheFolderIsKnown() {
        String script = """
                args <- commandArgs(trailingOnly = TRUE)
                write_csv(df, «paste0("output/measure_", args[1], ".csv")»)
                write_csv(df, «paste0(args[2], "/table.csv")»)
                """;
        assertFiles(r, script, "WRITE output/measure_*.csv write_csv #0");
        assertEquals(List.of("#1"), ScriptAssertions.unresolvedWrites(r, script));
    }

    @Test
    void forLoopsOverLiteralVectorsGiveOneUsePerValue() {
        assertFiles(r, """
                for (g in c("sex", "age")) {
                  write_csv(df, «paste0("output/by_", g, "/", g, ".csv")»)
                }
                groups <- c("a", "b")
                for (i in seq_along(groups)) ggsave(«paste0("output/plot_", i, ".png")»)
                for (n in 1:2) saveRDS(m, «glue("output/model_{n}.rds")»)
                """,
                "WRITE output/by_sex/sex.csv write_csv #0", "WRITE output/by_age/age.csv write_csv #0",
                "WRITE output/plot_*.png ggsave #1", "WRITE output/model_1.rds saveRDS #2",
                "WRITE output/model_2.rds saveRDS #2");
    }

    @Test
    void lapplyAndPurrrMapOverLiteralVectors() {
        assertFiles(r, """
                lapply(c("a", "b"), function(x) write_csv(df, «paste0("output/", x, ".csv")»))
                purrr::walk(c("c"), ~ saveRDS(df, «paste0("output/", .x, ".rds")»))
                """,
                "WRITE output/a.csv write_csv #0", "WRITE output/b.csv write_csv #0", "WRITE output/c.rds saveRDS #1");
    }

    @Test
    void functionsDefinedAndCalledInTheScript() {
        assertFiles(r, """
                save_table <- function(data, name, folder = "output/tables") {
                  write_csv(data, «file.path(folder, paste0(name, ".csv"))»)
                }
                save_table(df, "counts")
                save_table(df, "rates")
                """,
                "WRITE output/tables/counts.csv write_csv #0", "WRITE output/tables/rates.csv write_csv #0");
    }

    @Test
    void aFunctionNeverCalledHereLeavesItsWritesOpenWithoutClaimingThem() {
        String script = """
                save_it <- function(d, path) {
                  write_csv(d, «path»)
                }
                """;
        assertFiles(r, script);
        assertEquals(List.of("#0"), ScriptAssertions.unresolvedWrites(r, script));
    }

    @Test
    void ifBranchesGiveEitherValue() {
        assertFiles(r, """
                if (Sys.getenv("OPENSAFELY_BACKEND") == "") {
                  f <- "output/dummy.csv"
                } else {
                  f <- "output/real.csv"
                }
                d <- read_csv(«f»)
                """,
                "READ output/dummy.csv read_csv #0", "READ output/real.csv read_csv #0");
    }

    @Test
    void commentsStringsEscapesRawStringsAndBackticks() {
        assertFiles(r, """
                # write_csv(df, "output/commented.csv")
                x <- "a # not a comment"
                `my file` <- r"(output/raw(1).csv)"
                write_csv(df, «`my file`») # trailing comment
                write_csv(df, «'output/it\\'s.csv'»)
                """,
                "WRITE output/raw(1).csv write_csv #0", "WRITE output/it's.csv write_csv #1");
    }

    @Test
    void tempFilesAndAbsolutePathsAreOutsideTheStudy() {
        ScriptUses u = r.read("write_csv(df, tempfile())\nwrite_csv(df, '/tmp/x.csv')\nwrite_csv(df, file.path(tempdir(), 'y.csv'))\n");
        assertEquals(List.of(), u.files());
    }

    @Test
    void unknownPathsAreUnresolved() {
        String script = "«read_csv(«get_path()»)»\n";
        assertEquals(List.of("#1"), ScriptAssertions.unresolvedReads(r, script));
    }

    @Test
    void columnsThroughDollarAndBrackets() {
        assertColumns(r, """
                df <- read_csv("output/dataset.csv")
                mean(df$«age»)
                table(df[["«sex»"]])
                df[, c("«region»", "«imd»")]
                df$new <- 1
                df$new
                df$`«bmi»`
                """,
                "age <- output/dataset.csv #0", "sex <- output/dataset.csv #1", "region <- output/dataset.csv #2",
                "imd <- output/dataset.csv #3", "bmi <- output/dataset.csv #4");
    }

    @Test
    void columnsThroughDplyrVerbsAndPipes() {
        assertColumns(r, """
                df <- read_csv("output/dataset.csv") %>%
                  filter(«age» > 5) |>
                  mutate(age2 = «age» * 2, old = age2 > 80) %>%
                  select(«sex», age2, «region») %>%
                  rename(area = «region»)
                df$area
                df$«imd»
                """,
                "age <- output/dataset.csv #0", "age <- output/dataset.csv #1", "sex <- output/dataset.csv #2",
                "region <- output/dataset.csv #3", "region <- output/dataset.csv #4", "imd <- output/dataset.csv #5");
    }

    @Test
    void summariseAndJoinsEndColumnFollowing() {
        assertColumns(r, """
                counts <- read_csv("output/dataset.csv") %>%
                  group_by(«sex») %>%
                  summarise(n = n())
                counts$n
                joined <- read_csv("output/dataset.csv") %>% left_join(other, by = "patient_id")
                joined$anything
                """,
                "sex <- output/dataset.csv #0");
    }

    @Test
    void tidyselectHelpersScriptNamesAndDataPronounsSayNothing() {
        assertColumns(r, """
                threshold <- 5
                df <- read_csv("output/dataset.csv")
                df %>% select(starts_with("x"), -y, everything())
                df %>% filter(«age» > threshold, .data$z > 1)
                df %>% mutate(across(c(a, b), as.numeric)) %>% select(w)
                df %>% mutate(m = some_fn(q))
                """,
                "age <- output/dataset.csv #0");
    }

    @Test
    void maskedNamesAreNotColumnsAfterSourceMayDefineNames() {
        assertColumns(r, """
                source("analysis/dates.R")
                df <- read_csv("output/dataset.csv") %>% filter(date > start_date) %>% select(«age»)
                """,
                "age <- output/dataset.csv #0");
    }

    @Test
    void colSelectOnRead() {
        assertColumns(r, "df <- arrow::read_feather('output/d.arrow', col_select = c(«age», '«sex»'))\n",
                "age <- output/d.arrow #0", "sex <- output/d.arrow #1");
    }

    @Test
    void modelFormulasOverAFrameReadFromAFile() {
        assertColumns(r, """
                dataset <- read_csv("output/dataset.csv.gz")
                dataset$has_asthma <- dataset$«has_asthma» == "T"
                model <- glm(has_asthma ~ «age_grp» + factor(«sex»), data = dataset, family = binomial)
                dataset %>% lm(«bmi» ~ log(«age»), data = .)
                """,
                "has_asthma <- output/dataset.csv.gz #0", "age_grp <- output/dataset.csv.gz #1",
                "sex <- output/dataset.csv.gz #2", "bmi <- output/dataset.csv.gz #3", "age <- output/dataset.csv.gz #4");
    }

    @Test
    void renamingColumnsStopsFollowing() {
        assertColumns(r, """
                df <- read_csv("output/dataset.csv")
                names(df) <- c("a", "b")
                df$a
                """);
    }

    @Test
    void pipedValuesAreTheFirstArgument() {
        assertFiles(r, """
                «"output/in.csv"» |> read_csv() %>% write_csv(«"output/out.csv"»)
                df %>% saveRDS(file = «"output/d.rds"»)
                """,
                "READ output/in.csv read_csv #0", "WRITE output/out.csv write_csv #1", "WRITE output/d.rds saveRDS #2");
    }

    @Test
    void dataTableInPlaceChangesStopColumnFollowing() {
        assertColumns(r, """
                dt <- fread("output/d.csv")
                dt[, new := age * 2]
                dt$new
                dt2 <- fread("output/d.csv")
                setnames(dt2, "a", "b")
                dt2$b
                """);
    }

    @Test
    void setwdMovesRelativePathsButNotHereOnes() {
        String script = """
                setwd(here::here("output", "measures"))
                m <- read_csv(«"measure_rate.csv"»)
                source(«here::here("analysis", "utils.R")»)
                ggsave(«paste0(getwd(), "/plot.png")»)
                setwd("..")
                write_csv(m, «"table.csv"»)
                setwd(Sys.getenv("OUT"))
                write_csv(m, «"lost.csv"»)
                """;
        assertFiles(r, script, "READ output/measures/measure_rate.csv read_csv #0", "READ analysis/utils.R source #1",
                "WRITE output/measures/plot.png ggsave #2", "WRITE output/table.csv write_csv #3");
        assertEquals("#4", ScriptAssertions.unresolvedWrites(r, script).get(1));
    }
}
