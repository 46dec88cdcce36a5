package io.syncsqlite.transport.nas;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of a published file in a site folder: {@code <seq>.changes} holds the site's changes published as number
 * {@code seq}; {@code <seq>.snapshot} holds the site's own current versions and replaces every file numbered up to
 * {@code seq}. Numbers are zero-padded to 20 digits so names sort like numbers. Anything else (temp files start with
 * a dot) is not a segment.
 *
 * @param seq      the publication number, from 1
 * @param snapshot whether this is a snapshot
 */
record SegmentName(long seq, boolean snapshot) implements Comparable<SegmentName> {
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.(changes|snapshot)");

    SegmentName {
        if (seq < 1) throw new IllegalArgumentException("segment numbers start at 1: " + seq);
    }

    static SegmentName changes(long seq) {
        return new SegmentName(seq, false);
    }

    static SegmentName snapshotAt(long seq) {
        return new SegmentName(seq, true);
    }

    static Optional<SegmentName> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) return Optional.empty();
        try {
            long seq = Long.parseLong(m.group(1));
            return seq < 1 ? Optional.empty() : Optional.of(new SegmentName(seq, m.group(2).equals("snapshot")));
        } catch (NumberFormatException e) {
            return Optional.empty(); // more than Long.MAX_VALUE: not ours
        }
    }

    String fileName() {
        return String.format("%020d.%s", seq, snapshot ? "snapshot" : "changes");
    }

    @Override
    public int compareTo(SegmentName o) {
        int c = Long.compare(seq, o.seq);
        return c != 0 ? c : Boolean.compare(snapshot, o.snapshot);
    }

    @Override
    public String toString() {
        return fileName();
    }
}
