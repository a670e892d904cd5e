package opensafely.lsp.study;

import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/** Static date expressions of a study (ISO dates, index_date, today, with a function and an offset) as dates. */
final class StudyDates {
    private final LocalDate today;
    private final LocalDate index;

    StudyDates(LocalDate today, LocalDate index) {
        this.today = today;
        this.index = index;
    }

    /** The date of a static expression; empty when it is dynamic (refers to a variable) or not understood. */
    Optional<LocalDate> resolve(String text) {
        if (DateExpression.isIsoDate(text)) return Optional.of(LocalDate.parse(text));
        DateExpression e = DateExpression.parse(text);
        if (!e.valid() || e.dynamic() || e.name() == null) return Optional.empty();
        LocalDate base = e.name().equals("today") ? today : index;
        if (base == null) return Optional.empty();
        if (e.unit() != null) {
            long qty = Long.parseLong(e.offset());
            String unit = e.unit();
            base = unit.startsWith("day") ? base.plusDays(qty) : unit.startsWith("month") ? base.plusMonths(qty) : base.plusYears(qty);
        }
        if (e.function() != null) {
            base = switch (e.function()) {
                case "first_day_of_month" -> base.with(TemporalAdjusters.firstDayOfMonth());
                case "last_day_of_month" -> base.with(TemporalAdjusters.lastDayOfMonth());
                case "first_day_of_year" -> base.with(TemporalAdjusters.firstDayOfYear());
                case "last_day_of_year" -> base.with(TemporalAdjusters.lastDayOfYear());
                default -> base;
            };
        }
        return Optional.of(base);
    }

    /** The static bounds of a variable's period (between, on_or_after, on_or_before); dynamic ones are ignored. */
    LocalDate[] window(Value.Call c) {
        LocalDate[] w = new LocalDate[2];
        if (c == null) return w;
        if (c.arg("between") instanceof Value.ListV l && l.items.size() == 2) {
            w[0] = l.items.get(0) instanceof Value.Str a ? resolve(a.value()).orElse(null) : null;
            w[1] = l.items.get(1) instanceof Value.Str b ? resolve(b.value()).orElse(null) : null;
        }
        if (c.arg("on_or_after") instanceof Value.Str a) w[0] = resolve(a.value()).orElse(null);
        if (c.arg("on_or_before") instanceof Value.Str b) w[1] = resolve(b.value()).orElse(null);
        return w;
    }
}
