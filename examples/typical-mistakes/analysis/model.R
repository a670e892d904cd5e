# Logistic regression of recorded asthma on age band and sex.
library(readr)

dataset <- read_csv("output/dataset.csv.gz")
dataset$has_asthma <- dataset$has_asthma == "T"

model <- glm(has_asthma ~ age_band + sex + region, data = dataset, family = binomial) # MISTAKE: no column region
saveRDS(model, "output/model.rds")
