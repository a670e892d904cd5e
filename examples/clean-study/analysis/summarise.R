# Patients by sex, from the dataset written by the `generate_dataset` action.
# Base R only. Counts are rounded to the nearest 5 and counts of 7 or fewer are
# suppressed (written as NA) before anything goes to a moderately_sensitive file.

dataset <- read.csv("output/dataset.csv.gz")  # read.csv reads gzip-compressed files as they are

round_and_suppress <- function(count) {
  ifelse(count <= 7, NA, 5 * round(count / 5))
}

counts <- table(dataset$sex, useNA = "no")
summary <- data.frame(
  sex = names(counts),
  patients = round_and_suppress(as.vector(counts))
)

dir.create("output", showWarnings = FALSE)
write.csv(summary, "output/patients_by_sex.csv", row.names = FALSE)
