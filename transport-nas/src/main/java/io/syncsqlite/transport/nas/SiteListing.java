package io.syncsqlite.transport.nas;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;

/** The segment names present in one site folder at the moment it was listed (names only, no file is opened). */
final class SiteListing {
    private final TreeSet<SegmentName> names;

    private SiteListing(TreeSet<SegmentName> names) {
        this.names = names;
    }

    static SiteListing of(Path folder) throws IOException {
        TreeSet<SegmentName> names = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) SegmentName.parse(f.getFileName().toString()).ifPresent(names::add);
        }
        return new SiteListing(names);
    }

    boolean contains(SegmentName name) {
        return names.contains(name);
    }

    /** The newest snapshot numbered after {@code seq}, if any. */
    Optional<SegmentName> snapshotAfter(long seq) {
        return names.descendingSet().stream().filter(n -> n.snapshot() && n.seq() > seq).findFirst();
    }

    /** The first changes segment numbered after {@code seq}, if any. */
    Optional<SegmentName> changesAfter(long seq) {
        return names.tailSet(SegmentName.changes(seq + 1), true).stream().filter(n -> !n.snapshot()).findFirst();
    }

    /** The highest number of any file, or 0 for an empty folder. */
    long highest() {
        return names.isEmpty() ? 0 : names.last().seq();
    }

    /** Every name below {@code seq}, and changes segments at {@code seq}: what a snapshot at {@code seq} replaces. */
    Iterable<SegmentName> replacedBy(SegmentName snapshot) {
        return names.headSet(snapshot, false);
    }
}
