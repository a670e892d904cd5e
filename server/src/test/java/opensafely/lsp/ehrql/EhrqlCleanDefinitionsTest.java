package opensafely.lsp.ehrql;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Realistic definitions in the shapes real studies use (sibling modules, helper functions, loops over
 * codelists, case/when, measures with defaults and group_by) check with no finding at all.
 */
class EhrqlCleanDefinitionsTest {
    @TempDir
    Path dir;

    static final String CODELISTS_MODULE = """
            from ehrql import codelist_from_csv

            asthma_codes = codelist_from_csv("codelists/asthma-snomed.csv", column="code")
            asthma_categories = codelist_from_csv("codelists/asthma-snomed.csv", column="code", category_column="category")
            ctv3_asthma = codelist_from_csv("codelists/asthma-ctv3.csv", column="code")
            """;

    static final String VARIABLES_MODULE = """
            from ehrql import case, when, days
            from ehrql.tables.tpp import clinical_events, practice_registrations, addresses


            def first_event(codes, on_or_before):
                return (
                    clinical_events.where(clinical_events.snomedct_code.is_in(codes))
                    .where(clinical_events.date.is_on_or_before(on_or_before))
                    .sort_by(clinical_events.date)
                    .first_for_patient()
                )


            def registered_for_a_year(index_date):
                return practice_registrations.spanning(index_date - days(365), index_date).exists_for_patient()


            def imd_quintile(index_date):
                return addresses.for_patient_on(index_date).imd_quintile
            """;

    static final String DATASET = """
            \"\"\"Adults with asthma: a realistic dataset definition.\"\"\"
            from datetime import date

            from ehrql import create_dataset, case, when, days, years, minimum_of, maximum_of
            from ehrql.tables.tpp import (
                apcs,
                clinical_events,
                medications,
                ons_deaths,
                patients,
                practice_registrations,
            )

            from codelists import *
            from variables import first_event, registered_for_a_year, imd_quintile

            index_date = "2024-01-01"
            study_end = date(2024, 12, 31)

            dataset = create_dataset()
            dataset.configure_dummy_data(population_size=1000, timeout=120)

            age = patients.age_on(index_date)
            registered = registered_for_a_year(index_date)
            alive = patients.is_alive_on(index_date) & ~ons_deaths.date.is_on_or_before(index_date)

            dataset.define_population(registered & alive & (age >= 18) & (age < 110) & patients.sex.is_in(["male", "female"]))

            dataset.age = age
            dataset.age_band = case(
                when(age < 40).then("18-39"),
                when((age >= 40) & (age < 65)).then("40-64"),
                otherwise="65+",
            )
            dataset.sex = patients.sex
            dataset.imd = imd_quintile(index_date)
            dataset.region = practice_registrations.for_patient_on(index_date).practice_nuts1_region_name

            first_asthma = first_event(asthma_codes, index_date)
            dataset.first_asthma_date = first_asthma.date
            dataset.asthma_severity = first_asthma.snomedct_code.to_category(asthma_categories)
            dataset.years_since_asthma = (index_date - first_asthma.date).years
            dataset.has_ctv3_asthma = clinical_events.where(clinical_events.ctv3_code.is_in(ctv3_asthma)).exists_for_patient()

            recent = clinical_events.where(clinical_events.date.is_on_or_between(index_date - years(1), index_date))
            dataset.recent_events = recent.count_for_patient()
            dataset.recent_distinct_codes = recent.snomedct_code.count_distinct_for_patient()
            dataset.max_value = recent.where(recent.numeric_value > 0).numeric_value.maximum_for_patient()
            dataset.mean_value = recent.numeric_value.mean_for_patient()
            dataset.last_value = recent.sort_by(recent.date, recent.numeric_value).last_for_patient().numeric_value
            dataset.value_missing = dataset.last_value.is_null()
            dataset.value_or_zero = dataset.last_value.when_null_then(0.0)
            dataset.episodes = recent.date.count_episodes_for_patient(days(14))

            admissions = apcs.where(apcs.admission_date.is_on_or_after(index_date))
            dataset.admitted_for_asthma = admissions.where(admissions.all_diagnoses.contains_any_of(["J45", "J46"])).exists_for_patient()
            dataset.primary_asthma = admissions.where(admissions.primary_diagnosis.is_in(["J45", "J459"])).exists_for_patient()
            dataset.follow_up_end = minimum_of(patients.date_of_death, study_end, "2025-01-01")
            dataset.start = maximum_of(patients.date_of_birth + years(18), index_date)

            inhalers = medications.where(medications.dmd_code.is_in(["39113611000001102"]))
            dataset.inhaler_count = inhalers.count_for_patient()
            dataset.inhaler_after_asthma = inhalers.where(inhalers.date > first_asthma.date).exists_for_patient()

            for n, cutoff in enumerate([1, 2, 5]):
                dataset.add_column(f"events_over_{cutoff}", recent.count_for_patient() > cutoff)

            dataset.died = ons_deaths.exists_for_patient()
            dataset.death_cause = ons_deaths.underlying_cause_of_death
            dataset.covid_death = ons_deaths.cause_of_death_is_in(["U071", "U072"])
            dataset.bmi_band = case(
                when(dataset.last_value < 18.5).then("underweight"),
                when(dataset.last_value < 25).then("healthy"),
                otherwise=None,
            )
            """;

    static final String MEASURES = """
            from ehrql import INTERVAL, create_measures, months, weeks
            from ehrql.tables.core import clinical_events, patients, practice_registrations

            from codelists import asthma_codes

            registered = practice_registrations.for_patient_on(INTERVAL.start_date).exists_for_patient()
            alive = patients.is_alive_on(INTERVAL.start_date)
            asthma = clinical_events.where(clinical_events.snomedct_code.is_in(asthma_codes))
            recorded = asthma.where(asthma.date.is_during(INTERVAL)).exists_for_patient()
            count = asthma.where(asthma.date.is_on_or_between(INTERVAL.start_date, INTERVAL.end_date)).count_for_patient()

            measures = create_measures()
            measures.configure_dummy_data(population_size=1000)
            measures.configure_disclosure_control(enabled=True)
            measures.define_defaults(denominator=registered & alive, intervals=months(12).starting_on("2023-04-01"))

            measures.define_measure(name="asthma_recorded", numerator=recorded, group_by={"sex": patients.sex})
            measures.define_measure(name="asthma_count", numerator=count, intervals=weeks(52).ending_on("2024-03-31"))
            for group in ["sex"]:
                measures.define_measure(name=f"asthma_by_{group}", numerator=recorded, group_by={group: patients.sex})
            """;

    private EhrqlFixture study() {
        return new EhrqlFixture(dir).file("analysis/codelists.py", CODELISTS_MODULE).file("analysis/variables.py", VARIABLES_MODULE);
    }

    @Test
    void realisticDatasetDefinitionIsClean() {
        study().definition(DATASET).assertDiagnostics();
    }

    @Test
    void realisticMeasuresDefinitionIsClean() {
        study().named("analysis/measures.py").definition(MEASURES).assertDiagnostics();
    }

    @Test
    void helperModulesAreCleanToo() {
        study().named("analysis/variables.py").definition(VARIABLES_MODULE).assertDiagnostics();
        study().named("analysis/codelists.py").definition(CODELISTS_MODULE).assertDiagnostics();
    }

    @Test
    void unknownValuesAreNeverReported() {
        study().definition("""
                import sys
                from ehrql import create_dataset, get_parameter, table_from_file
                from ehrql.tables.tpp import patients, clinical_events
                from somewhere_else import mystery
                from elsewhere import *

                dataset = create_dataset()
                start = get_parameter("start")
                extra = table_from_file("output/extra.csv", columns={"x": int})
                dataset.define_population(mystery.population & patients.exists_for_patient())
                dataset.a = mystery.series > 3
                dataset.b = clinical_events.where(clinical_events.date > start).count_for_patient()
                dataset.c = extra.x
                dataset.d = patients.age_on(sys.argv[1])
                setattr(dataset, sys.argv[2], patients.sex)
                dataset.e = dataset.whatever_was_set_above
                mystery.fill(dataset)
                """).assertDiagnostics();
    }
}
