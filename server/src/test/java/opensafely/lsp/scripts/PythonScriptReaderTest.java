package opensafely.lsp.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import opensafely.lsp.MarkedText;
import opensafely.lsp.text.Range;
import org.junit.jupiter.api.Test;

/** What the Python reader finds, construct by construct: paths as the rules see them, ranges as marked. */
class PythonScriptReaderTest {
    private static ScriptUses read(MarkedText m) {
        return new PythonScriptReader("analysis/report.py").read(m.text());
    }

    /** "R output/x.csv" / "W output/y.png" per file use, in text order. */
    private static List<String> files(ScriptUses u) {
        return u.files().stream().map(f -> (f.access() == FileUse.Access.READ ? "R " : "W ") + f.path()).toList();
    }

    private static List<Range> fileRanges(ScriptUses u) {
        return u.files().stream().map(FileUse::range).toList();
    }

    @Test
    void literalReadsAndWrites() {
        MarkedText m = MarkedText.parse("""
                import pandas as pd
                import matplotlib.pyplot as plt
                df = pd.read_csv(«"output/dataset.csv.gz"»)
                df.to_csv(«"./output/table.csv"», index=False)
                plt.savefig(«"output/fig.png"»)
                with open(«"output/notes.txt"», "w") as f:
                    f.write("x")
                data = open(«"analysis/config.json"»).read()
                """);
        ScriptUses u = read(m);
        assertEquals(List.of("R output/dataset.csv.gz", "W output/table.csv", "W output/fig.png", "W output/notes.txt",
                "R analysis/config.json"), files(u));
        assertEquals(m.ranges(), fileRanges(u));
        assertTrue(u.writesResolved());
    }

    @Test
    void constantsFStringsFormatJoinAndPathlib() {
        MarkedText m = MarkedText.parse("""
                import os
                from pathlib import Path
                import pandas as pd
                OUT = "output"
                BASE = Path(__file__).parents[1]
                a = pd.read_feather(«os.path.join(OUT, "input.feather")»)
                a.to_csv(«f"{OUT}/by_age.csv"»)
                a.to_csv(«"%s/by_%s.csv" % (OUT, "sex")»)
                a.to_csv(«"{}/by_{region}.csv".format(OUT, region="nuts")»)
                a.to_csv(«BASE / "output" / "all.csv"»)
                a.to_parquet(«OUT + "/x.parquet"»)
                """);
        ScriptUses u = read(m);
        assertEquals(List.of("R output/input.feather", "W output/by_age.csv", "W output/by_sex.csv", "W output/by_nuts.csv",
                "W output/all.csv", "W output/x.parquet"), files(u));
        assertEquals(m.ranges(), fileRanges(u));
    }

    @Test
    void loopsOverLiteralsGiveOneUsePerValue() {
        ScriptUses u = read(MarkedText.parse("""
                import pandas as pd
                for group in ["age", "sex"]:
                    pd.read_csv(f"output/{group}.csv").to_csv(f"output/{group}_table.csv")
                for k, v in {"a": "x", "b": "y"}.items():
                    open(f"output/{k}_{v}.txt", "w")
                """));
        assertEquals(List.of("R output/age.csv", "R output/sex.csv", "W output/age_table.csv", "W output/sex_table.csv",
                "W output/a_x.txt", "W output/b_y.txt"), files(u));
    }

    @Test
    void unknownPartsBecomeAStarOnlyWhereTheFolderIsKnown() {
        ScriptUses u = read(MarkedText.parse("""
                import sys
                import pandas as pd
                def save(df, name):
                    df.to_csv(f"output/{name}.csv")
                    df.to_csv(f"{name}/x.csv")
                pd.read_csv(sys.argv[1])
                """));
        assertEquals(List.of("W output/*.csv"), files(u));
        assertEquals(1, u.unresolvedWrites().size());
        assertEquals(1, u.unresolvedReads().size());
        assertFalse(u.writesResolved());
    }

    @Test
    void localImportsAndUnknownWritersMakeWritesUnresolved() {
        assertFalse(read(MarkedText.parse("import pandas as pd\nfrom utils import save\n")).writesResolved());
        assertFalse(read(MarkedText.parse("from .helpers import x\n")).writesResolved());
        assertFalse(read(MarkedText.parse("import subprocess\nsubprocess.run(['Rscript', 'x.R'])\n")).writesResolved());
        assertFalse(read(MarkedText.parse("model.save(path)\n")).writesResolved());
        assertTrue(read(MarkedText.parse("import json\nimport pandas as pd\nx = pd.to_datetime(y)\ns = json.dumps(x)\n")).writesResolved());
    }

    @Test
    void jsonDumpToAnOpenedFileIsTheOpen() {
        ScriptUses u = read(MarkedText.parse("""
                import json
                with open("output/summary.json", "w") as f:
                    json.dump({"n": 1}, f)
                """));
        assertEquals(List.of("W output/summary.json"), files(u));
        assertTrue(u.writesResolved());
    }

    @Test
    void columnsReadByNameFromATableReadFromAFile() {
        MarkedText m = MarkedText.parse("""
                import pandas as pd
                df = pd.read_csv("output/dataset.csv.gz", usecols=["«patient_id»", "«age»"])
                df = df.dropna()
                df["«sex»"].value_counts()
                df[["«region»", "«age»"]]
                df.loc[:, "«imd»"]
                df.groupby(["«age»", "«sex»"]).size()
                df.groupby("«region»").size()
                df.age
                """);
        ScriptUses u = read(m);
        assertEquals(m.ranges(), u.columns().stream().map(ColumnUse::range).toList());
        assertTrue(u.columns().stream().allMatch(c -> c.source().path().equals("output/dataset.csv.gz")));
    }

    @Test
    void aTableThatMayHaveNewColumnsSaysNothingMore() {
        ScriptUses u = read(MarkedText.parse("""
                import pandas as pd
                df = pd.read_csv("output/dataset.csv.gz")
                df["age_group"] = df["age"] // 10
                df["age_group"].value_counts()
                other = pd.read_csv("output/other.csv")
                other = other.merge(df, on="patient_id")
                other["x"]
                third = pd.read_csv("output/third.csv")
                add_columns(third)
                third["y"]
                """));
        assertEquals(List.of("age"), u.columns().stream().map(ColumnUse::column).toList());
    }

    @Test
    void constantsOfTheStudysOwnModulesAreTaken() {
        java.util.Map<String, String> study = java.util.Map.of("analysis/utilities.py", """
                from pathlib import Path
                BASE_DIR = Path(__file__).parents[1]
                OUTPUT_DIR = BASE_DIR / "output"
                """, "analysis/config.py", "indicators = ['a', 'b']\n");
        ScriptUses u = new PythonScriptReader("analysis/report.py", p -> java.util.Optional.ofNullable(study.get(p))).read("""
                import pandas as pd
                from utilities import OUTPUT_DIR
                from config import indicators
                for i in indicators:
                    pd.read_csv(OUTPUT_DIR / f"measure_{i}.csv")
                """);
        assertEquals(List.of("R output/measure_a.csv", "R output/measure_b.csv"), files(u));
        assertFalse(u.writesResolved()); // the module may write when imported
    }

    @Test
    void neverThrowsOnBrokenText() {
        ScriptUses u = read(MarkedText.parse("import pandas as pd\ndf = pd.read_csv(\"output/a.csv\"\nfor in ::\n"));
        assertFalse(u.writesResolved()); // not read in full
    }
}
