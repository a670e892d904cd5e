package opensafely.lsp.study;

/** One family of study-definition checks. Rules read the model and report; they never throw or change it. */
interface StudyRule {
    void check(StudyContext ctx);
}
