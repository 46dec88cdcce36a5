package io.syncsqlite.transport.nas;

import io.syncsqlite.spi.SyncSession;
import io.syncsqlite.spi.Transport;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Syncs through a shared folder: {@code <sync.dir>/<namespace>/<site>/} holds each replica's own segments. A round
 * publishes this replica's new changes into its folder, then reads every other site folder from its cursor.
 * <p>
 * The shared root itself is never created: a missing root usually means an unmounted share, and creating it would
 * hide that. The round fails with a message saying so, and the engine retries with backoff until it is back.
 */
final class NasTransport implements Transport {
    private static final Pattern SITE = Pattern.compile("[0-9a-f]{32}");
    /** A burst of commits within this is published as one segment, not one segment per commit. */
    private static final Duration COMMIT_DELAY = Duration.ofMillis(100);

    private final Path root;
    private final Path namespaceFolder;
    private final Path ownFolder;
    private final String site;
    private final String cursorPrefix;
    private final Publisher publisher;
    private final Puller puller;

    NasTransport(Path root, String namespace, String site, int compactEvery) {
        this.root = root;
        this.namespaceFolder = root.resolve(namespace);
        this.ownFolder = namespaceFolder.resolve(site);
        this.site = site;
        this.cursorPrefix = "nas." + namespace + ".";
        this.publisher = new Publisher(ownFolder, site, compactEvery, cursorPrefix);
        this.puller = new Puller(cursorPrefix);
    }

    /** Commits are published soon after they happen, so readers see them within one of their own polling intervals. */
    @Override
    public boolean pushesOnCommit() {
        return true;
    }

    @Override
    public Duration commitDelay() {
        return COMMIT_DELAY;
    }

    @Override
    public void sync(SyncSession session) throws Exception {
        requireRoot();
        try {
            createFolder(namespaceFolder);
            createFolder(ownFolder);
            publisher.publish(session);
        } catch (FileSystemException e) {
            throw unwritable(e);
        }
        try (DirectoryStream<Path> sites = Files.newDirectoryStream(namespaceFolder)) {
            for (Path folder : sites) {
                String name = folder.getFileName().toString();
                if (name.equals(site) || !SITE.matcher(name).matches() || !Files.isDirectory(folder)) continue;
                try {
                    puller.pull(session, name, folder);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // one site's folder or file holds back only that site (docs/how-it-works.md, invariant 4)
                    puller.siteFailed(session, name, folder, e);
                }
            }
        }
    }

    /** The site's own folder against the number of its last segment the database recorded ({@link Publisher#checkNotRestored}). */
    @Override
    public void checkNotRestored(String site, StoredCursors stored) throws Exception {
        requireRoot();
        long published = Long.parseLong(stored.cursor(Publisher.selfKey(cursorPrefix, site)).orElse("0"));
        Publisher.checkNotRestored(namespaceFolder.resolve(site), published);
    }

    /** A claim is local work: a file created in the shared folder. */
    @Override
    public boolean claimsKeyTagsLocally() {
        return true;
    }

    /** A key block tag from {@code <namespace>/keytags/} ({@link KeyTagFiles}). */
    @Override
    public java.util.OptionalInt claimKeyTag(String site, int wish) throws Exception {
        requireRoot();
        try {
            createFolder(namespaceFolder);
            Path tags = namespaceFolder.resolve(KeyTagFiles.FOLDER);
            createFolder(tags);
            return KeyTagFiles.claim(tags, site, wish);
        } catch (FileSystemException e) {
            throw unwritable(e);
        }
    }

    private void requireRoot() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("the shared folder sync.dir=" + root + " is missing or not a directory (is the share mounted?); "
                    + "local changes are kept and syncing resumes when it is back");
        }
    }

    /**
     * A write into the shared folder the file system refused (permissions, a read-only mount): a message that names the
     * folder and says what to do, instead of the bare path and the operating system's words.
     */
    private IOException unwritable(FileSystemException e) {
        String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        return new IOException("cannot write into the shared folder sync.dir=" + root + " (" + (e.getFile() != null ? e.getFile() + ": " : "") + reason
                + "): the user running this application needs write access to it (check the share's permissions and that it is mounted"
                + " read-write); local changes are kept and syncing resumes once it can write", e);
    }

    /** Creates one level below an existing parent (never the shared root, see the class comment). */
    private static void createFolder(Path folder) throws IOException {
        try {
            Files.createDirectory(folder);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(folder)) throw new IOException(folder + " exists but is not a directory", e);
        }
    }

    @Override
    public void close() {
    }
}
