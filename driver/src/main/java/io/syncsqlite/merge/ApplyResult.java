package io.syncsqlite.merge;

import java.util.List;

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
 */
public record ApplyResult(int received, int applied, int parked, List<String> conflicts, List<String> awaitingSchema, List<String> problems) {
    public static final ApplyResult NOTHING = new ApplyResult(0, 0, 0, List.of(), List.of(), List.of());

    public ApplyResult {
        conflicts = List.copyOf(conflicts);
        awaitingSchema = List.copyOf(awaitingSchema);
        problems = List.copyOf(problems);
    }
}
