package opensafely.lsp.scripts;

import static opensafely.lsp.scripts.ScriptAssertions.assertColumns;
import static opensafely.lsp.scripts.ScriptAssertions.assertFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link StataScriptReader} finds in do-files: one test per construct, with exact ranges. */
class StataScriptReaderTest {
    private final StataScriptReader s = new StataScriptReader();

    @Test
    void readsOfEveryKnownCommand() {
        assertFiles(s, """
                import delimited using «"output/a.csv"», clear
                import delimited «"output/b.csv"»
                use «"output/c.dta"», clear
                use age sex using «output/d», clear
                import excel «"output/e.xlsx"», firstrow
                merge 1:1 patient_id using «"output/f.dta"»
                append using «"output/g"»
                insheet using «"output/h.csv"», comma
                """,
                "READ output/a.csv import delimited #0", "READ output/b.csv import delimited #1", "READ output/c.dta use #2",
                "READ output/d.dta use #3", "READ output/e.xlsx import excel #4", "READ output/f.dta merge #5",
                "READ output/g.dta append #6", "READ output/h.csv insheet #7");
    }

    @Test
    void writesOfEveryKnownCommand() {
        assertFiles(s, """
                save «"output/a.dta"», replace
                save «output/b»
                export delimited using «"output/c.csv"», replace
                export delimited age sex using «"output/d.csv"»
                outsheet using «"output/e.csv"», comma
                graph export «"output/f.png"», replace
                esttab m1 m2 using «"output/g.rtf"», replace
                log using «"logs/h.log"», replace text
                putexcel set «"output/i.xlsx"», replace
                outreg2 using «"output/j.txt"»
                file open handle using «"output/k.txt"», write replace
                log using «logs/l»
                """,
                "WRITE output/a.dta save #0", "WRITE output/b.dta save #1", "WRITE output/c.csv export delimited #2",
                "WRITE output/d.csv export delimited #3", "WRITE output/e.csv outsheet #4",
                "WRITE output/f.png graph export #5", "WRITE output/g.rtf esttab #6", "WRITE logs/h.log log using #7",
                "WRITE output/i.xlsx putexcel set #8", "WRITE output/j.txt outreg2 #9", "WRITE output/k.txt file open #10",
                "WRITE logs/l.smcl log using #11");
    }

    @Test
    void doAndRunReadTheCodeAndLeaveWritesOpen() {
        String script = "«do «\"analysis/clean.do\"»»\n";
        assertFiles(s, script, "READ analysis/clean.do do #1");
        assertEquals(List.of("#0"), ScriptAssertions.unresolvedWrites(s, script));
    }

    @Test
    void localAndGlobalMacros() {
        assertFiles(s, """
                local f "output/a.csv"
                global dir "output"
                global projectdir `c(pwd)'
                local stem = "out" + "put"
                import delimited «"`f'"», clear
                save «"$dir/b.dta"», replace
                save «"${dir}/c"», replace
                save «"$projectdir/output/d.dta"»
                save «"`stem'/e.dta"»
                """,
                "READ output/a.csv import delimited #0", "WRITE output/b.dta save #1", "WRITE output/c.dta save #2",
                "WRITE output/d.dta save #3", "WRITE output/e.dta save #4");
    }

    @Test
    void unknownMacrosBecomeStarsWhenTheFolderIsKnown() {
        String script = """
                save «"output/data_`outcome'.dta"»
                save «"$somewhere/x.dta"»
                """;
        assertFiles(s, script, "WRITE output/data_*.dta save #0");
        assertEquals(List.of("#1"), ScriptAssertions.unresolvedWrites(s, script));
    }

    @Test
    void foreachAndForvaluesLoops() {
        assertFiles(s, """
                foreach g in sex age {
                    export delimited using «"output/by_`g'.csv"», replace
                }
                local groups "a b"
                foreach x of local groups {
                  save «"output/`x'.dta"»
                }
                forvalues i = 1/2 {
                  graph export «"output/fig`i'.png"»
                }
                """,
                "WRITE output/by_sex.csv export delimited #0", "WRITE output/by_age.csv export delimited #0",
                "WRITE output/a.dta save #1", "WRITE output/b.dta save #1", "WRITE output/fig1.png graph export #2",
                "WRITE output/fig2.png graph export #2");
    }

    @Test
    void commentsContinuationsAndDelimit() {
        assertFiles(s, """
                * save "output/commented.dta"
                // save "output/commented2.dta"
                /* save "output/commented3.dta"
                   still a comment */
                export delimited using /// the file
                    «"output/a.csv"», replace // trailing
                #delimit ;
                save
                  «"output/b.dta"», replace;
                #delimit cr
                save «"output/c.dta"» /* inline */, replace
                """,
                "WRITE output/a.csv export delimited #0", "WRITE output/b.dta save #1", "WRITE output/c.dta save #2");
    }

    @Test
    void cdMovesRelativePathsButNotOnesAnchoredAtTheStudy() {
        String script = """
                global projectdir `c(pwd)'
                cd `c(pwd)'/analysis
                do «"01_clean.do"»
                save «"$projectdir/output/a.dta"»
                cd ..
                save «"output/b.dta"»
                cd "$somewhere"
                save «"c.dta"»
                """;
        assertFiles(s, script, "READ analysis/01_clean.do do #0", "WRITE output/a.dta save #1", "WRITE output/b.dta save #2");
        List<String> open = ScriptAssertions.unresolvedWrites(s, script);
        assertEquals(2, open.size()); // the code `do` runs, and the save to a folder not known
        assertEquals("#3", open.get(1));
    }

    @Test
    void prefixesAreSkipped() {
        assertFiles(s, """
                capture noisily save «"output/a.dta"», replace
                quietly log using «"logs/b.log"», replace
                """,
                "WRITE output/a.dta save #0", "WRITE logs/b.log log using #1");
    }

    @Test
    void tempfilesAreOutsideTheStudy() {
        ScriptUses u = s.read("tempfile t\nsave `t'\nuse `t', clear\n");
        assertEquals(List.of(), u.files());
        assertTrue(u.writesResolved());
    }

    @Test
    void programsMayNeverRunSoTheirWritesOnlyStayOpen() {
        ScriptUses u = s.read("program define out\n  save \"output/`1'.dta\"\nend\n");
        assertEquals(List.of(), u.files());
        assertFalse(u.writesResolved());
    }

    @Test
    void unknownCommandsWithUsingOrSavingLeaveWritesOpen() {
        assertFalse(s.read("table1_mc, vars(age contn) saving(\"output/t.xlsx\", replace)\n").writesResolved());
        assertFalse(s.read("mywriter x using \"output/y.txt\"\n").writesResolved());
    }

    @Test
    void columnsAfterImport() {
        assertColumns(s, """
                import delimited using "output/dataset.csv", clear
                tab «age» «sex», missing
                summarize «bmi», detail
                keep «patient_id» «age» «sex» «bmi» «region»
                gen age2 = «age»*2
                replace age2 = 0 if «region» == "London"
                tab age2
                by «sex»: summarize «bmi»
                regress «bmi» i.«sex» c.«age»##i.«region»
                drop age*
                """,
                "age <- output/dataset.csv #0", "sex <- output/dataset.csv #1", "bmi <- output/dataset.csv #2",
                "patient_id <- output/dataset.csv #3", "age <- output/dataset.csv #4", "sex <- output/dataset.csv #5",
                "bmi <- output/dataset.csv #6", "region <- output/dataset.csv #7", "age <- output/dataset.csv #8",
                "region <- output/dataset.csv #9", "sex <- output/dataset.csv #10", "bmi <- output/dataset.csv #11",
                "bmi <- output/dataset.csv #12", "sex <- output/dataset.csv #13", "age <- output/dataset.csv #14",
                "region <- output/dataset.csv #15");
    }

    @Test
    void useWithAVarlist() {
        assertColumns(s, "use «age» «sex» using \"output/d.dta\", clear\n", "age <- output/d.dta #0", "sex <- output/d.dta #1");
    }

    @Test
    void renameAndGenOptionsMakeNewNames() {
        assertColumns(s, """
                use "output/d.dta"
                rename «age» years
                tab years
                recode «bmi» (30/max = 1), gen(obese)
                tab obese
                encode «region», gen(region_n)
                tab region_n
                """,
                "age <- output/d.dta #0", "bmi <- output/d.dta #1", "region <- output/d.dta #2");
    }

    @Test
    void columnsStopWhenTheDataChangeInUnknownWays() {
        assertColumns(s, """
                use "output/d.dta"
                collapse (sum) n, by(«sex»)
                tab n
                use "output/e.dta"
                merge 1:1 patient_id using "output/f.dta"
                tab anything
                use "output/g.dta"
                some_user_command x
                tab other
                use "output/h.dta"
                local v "age"
                gen `v'_2 = 1
                tab age_2
                gen `unknown' = 1
                tab whatever
                """,
                "sex <- output/d.dta #0");
    }

    @Test
    void preserveAndRestoreComeBackToTheFile() {
        assertColumns(s, """
                use "output/d.dta"
                preserve
                collapse (count) n=patient_id, by(«sex»)
                restore
                tab «age»
                """,
                "sex <- output/d.dta #0", "age <- output/d.dta #1");
    }

    @Test
    void wildcardsMacrosAndAbbreviatedRangesAreNotColumns() {
        assertColumns(s, """
                use "output/d.dta"
                tab `var'
                keep a-c x* y?
                summarize _all
                gen y = _n + r(mean) + inlist(«z», 1, 2)
                """,
                "z <- output/d.dta #0");
    }
}
