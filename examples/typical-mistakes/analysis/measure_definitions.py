"""Monthly proportion of registered patients with an asthma code recorded, by sex.

Run as the `generate_measures` action in project.yaml. ehrQL rounds the counts in the
output (disclosure control), which is why the output can be moderately_sensitive.
"""

from ehrql import INTERVAL, codelist_from_csv, create_measures, months
from ehrql.tables.core import clinical_events, patients, practice_registrations

# Example data, not a reviewed codelist (see README.md).
asthma_codes = codelist_from_csv(
    "codelists/example-asthma-diagnosis.csv",
    column="code",
)

asthma_events = clinical_events.where(clinical_events.snomedct_code.is_in(asthma_codes))
asthma_recorded = asthma_events.where(asthma_events.date.is_during(INTERVAL)).exists_for_patient()

registered = practice_registrations.exists_for_patient_on(INTERVAL.start_date)
alive = patients.is_alive_on(INTERVAL.start_date)

measures = create_measures()
measures.configure_dummy_data(population_size=1000)
measures.define_measure(
    name="asthma_recorded",
    numerator=asthma_recorded,
    denominator=registered & alive,
    group_by={"sex": patients.sex},
    intervals=months(12).starting_on("2023-04-01"),
)
