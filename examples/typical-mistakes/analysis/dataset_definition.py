"""Adults registered with a GP practice on the index date, and their recorded asthma.

One row per patient. Run with `opensafely exec ehrql:v1 generate-dataset analysis/dataset_definition.py`
or as the `generate_dataset` action in project.yaml.
"""

from ehrql import case, codelist_from_csv, create_dataset, when
from ehrql.tables.core import clinical_events, patients, practice_registrations

INDEX_DATE = "2024-04-01"
ONE_YEAR_BEFORE = "2023-04-02"

# Example data, not a reviewed codelist (see README.md). Paths are relative to the study folder.
asthma_codes = codelist_from_csv(
    "codelists/example-asthma-diagnosis.csv",
    column="code",
)

dataset = create_dataset()
dataset.configure_dummy_data(population_size=1000)

age = patients.age_on(INDEX_DATE)

dataset.define_population(
    practice_registrations.exists_for_patient_on(INDEX_DATE)
    & patients.is_alive_on(INDEX_DATE)
    & (age >= 18)
    & (age < 110)
)

dataset.age = age
dataset.age_band = case(
    when(age < 40).then("18-39"),
    when(age < 65).then("40-64"),
    otherwise="65+",
)
dataset.sex = patients.sex

asthma_events = clinical_events.where(
    clinical_events.snomedct_code.is_in(asthma_codes)
).where(clinical_events.date.is_on_or_before(INDEX_DATE))

dataset.has_asthma = asthma_events.exists_for_patient()
dataset.first_asthma_date = asthma_events.first_for_patient().date  # MISTAKE: no sort_by, so no "first"
dataset.asthma_date = asthma_events.date  # MISTAKE: many dates per patient; a column needs one
dataset.asthma_events_last_year = asthma_events.where(
    asthma_events.date.is_on_or_between(ONE_YEAR_BEFORE, INDEX_DATE)
).count_for_patient()
