package io.syncsqlite.merge;

import java.util.List;

/**
 * What applying one changeset did.
 *
 * @param received  changes in the changeset
 * @param applied   changes that won and were written (losing and duplicate changes are not counted)
 * @param parked    changes kept pending (unknown table or column, constraint violation, clock drift)
 * @param conflicts one message per row whose change violated a local constraint, naming both sides
 * @param problems  one message per other reason a change was parked
 */
public record ApplyResult(int received, int applied, int parked, List<String> conflicts, List<String> problems) {
    public ApplyResult {
        conflicts = List.copyOf(conflicts);
        problems = List.copyOf(problems);
    }
}
