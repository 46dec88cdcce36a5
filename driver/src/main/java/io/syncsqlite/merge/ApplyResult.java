package io.syncsqlite.merge;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What applying one changeset did.
 *
 * @param received  changes in the changeset
 * @param applied   changes that won and were written (losing and duplicate changes are not counted)
 * @param parked    changes kept pending (unknown table or column, constraint violation, clock drift)
 * @param conflicts      one message per row whose change violated a local constraint, naming both sides
 * @param awaitingSchema one message per table or column this replica does not have yet (normal while replicas
 *                       migrate at different times: the changes apply once the schema arrives)
 * @param problems       one message per other reason changes were parked (clock drift, malformed keys, …)
 * @param archived       one message per table or column this replica dropped that changes arrived for: those changes
 *                       are archived in {@code _syncsqlite_archived}, not retried
 * @param changedRows    rows written (inserted, updated or deleted) per table name, for listeners that refresh views
 */
public record ApplyResult(int received, int applied, int parked, List<String> conflicts, List<String> awaitingSchema, List<String> problems,
                          List<String> archived, Map<String, Integer> changedRows) {
    public static final ApplyResult NOTHING = new ApplyResult(0, 0, 0, List.of(), List.of(), List.of(), List.of());

    public ApplyResult {
        conflicts = List.copyOf(conflicts);
        awaitingSchema = List.copyOf(awaitingSchema);
        problems = List.copyOf(problems);
        archived = List.copyOf(archived);
        changedRows = Collections.unmodifiableMap(new TreeMap<>(changedRows));
    }

    /** A result that changed no rows. */
    public ApplyResult(int received, int applied, int parked, List<String> conflicts, List<String> awaitingSchema, List<String> problems,
                       List<String> archived) {
        this(received, applied, parked, conflicts, awaitingSchema, problems, archived, Map.of());
    }

    /** This and {@code other} together (a changeset applied in slices). */
    public ApplyResult plus(ApplyResult other) {
        Map<String, Integer> rows = new TreeMap<>(changedRows);
        other.changedRows.forEach((table, n) -> rows.merge(table, n, Integer::sum));
        return new ApplyResult(received + other.received, applied + other.applied, parked + other.parked, concat(conflicts, other.conflicts),
                concat(awaitingSchema, other.awaitingSchema), concat(problems, other.problems), concat(archived, other.archived), rows);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        if (b.isEmpty()) return a;
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
