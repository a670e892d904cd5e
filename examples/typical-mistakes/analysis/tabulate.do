* Asthma by age band and sex, from the dataset.
import delimited using "output/dataset.csv", clear
collapse (sum) has_asthma, by(age_band sex)
export delimited using "output/asthma_by_age_and_sex.csv", replace // MISTAKE: project.yaml declares another name
